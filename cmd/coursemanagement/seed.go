package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/opossum-go/opossum/internal/cli"
	"github.com/opossum-go/opossum/internal/courseapp"
	coursemanagement "github.com/opossum-go/opossum/solutions/05-coursemanagement"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/decision"
)

// Preset sizes a seeding run. The numbers are the reference sample's
// DataSeeder presets.
type Preset struct {
	Name                                       string
	Students, Courses, Books, Invoices, Orders int
}

// Presets are the sizes seed offers.
var Presets = []Preset{
	{Name: "small", Students: 40, Courses: 25, Books: 25, Invoices: 30, Orders: 8},
	{Name: "medium", Students: 7000, Courses: 4000, Books: 4000, Invoices: 2500, Orders: 600},
}

func seedCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	name := fs.String("preset", "small", "size: small (about 1,700 events) or medium (about 265,000)")
	data := fs.String("data", DefaultData, "store folder; it must be empty or missing")
	workers := fs.Int("workers", 4, "commands carried out at the same time")
	seed := fs.Uint64("seed", 1, "random seed: the same seed plans the same data")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	i := slices.IndexFunc(Presets, func(p Preset) bool { return p.Name == *name })
	if i < 0 {
		return &usageError{fmt.Errorf("unknown preset %q: use small or medium", *name)}
	}
	// The progress bar redraws one line: only a terminal shows it as one.
	var progress io.Writer
	if cli.IsTerminal(stderr) {
		progress = stderr
	}
	sum, err := Seed(ctx, *data, SeedOptions{Preset: Presets[i], Workers: *workers, Seed: *seed, Progress: progress})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "coursemanagement: seeded %s: %d commands appended %d events in %s", *data, sum.Commands, sum.Events, sum.Elapsed.Round(time.Millisecond))
	if sum.Rejected > 0 {
		fmt.Fprintf(stdout, "; %d commands were rejected by a rule (first: %s)", sum.Rejected, sum.FirstRejection)
	}
	fmt.Fprintln(stdout)
	return nil
}

// SeedOptions configure Seed.
type SeedOptions struct {
	Preset Preset
	// Workers is how many commands run at once; below 1 means 1.
	Workers int
	// Seed seeds the planner's random numbers.
	Seed uint64
	// Progress receives the progress bar; nil draws none.
	Progress io.Writer
}

// SeedSummary says what Seed did.
type SeedSummary struct {
	Commands       int
	Rejected       int
	FirstRejection string
	Events         store.Position
	Elapsed        time.Duration
}

// Seed fills the empty store in dir with sample data. Every event is
// appended by a command handler (courseapp.Commands), under the
// same decisions and conditions as a request to the API: the seeder plans
// commands, it never writes events itself, so the data obeys every rule
// (no course over capacity, no student over the tier's limit, gap-free
// invoice numbers). Timestamps come from a clock that starts a year ago
// and advances with each decision.
//
// The store is opened without fsync (a bulk import); it is closed, and
// its index snapshot written, before Seed returns.
func Seed(ctx context.Context, dir string, opts SeedOptions) (SeedSummary, error) {
	start := time.Now()
	st, err := store.Open(dir, &store.Options{NoSync: true})
	if err != nil {
		return SeedSummary{}, err
	}
	defer st.Close()
	head, err := st.Head(ctx)
	if err != nil {
		return SeedSummary{}, err
	}
	if head > 0 {
		return SeedSummary{}, fmt.Errorf("the store in %s holds %d events already; seed an empty one "+
			"(delete it with DELETE /admin/store?confirm=true, or pick another -data folder)", dir, head)
	}

	phases := plan(opts.Preset, rand.New(rand.NewPCG(opts.Seed, 0x5eed)))
	total := 0
	for _, p := range phases {
		total += len(p.commands)
	}
	// The clock starts a year ago and advances evenly, so that the last
	// command happens about a day ago.
	var tick atomic.Int64
	origin := time.Now().Add(-365 * 24 * time.Hour)
	step := 364 * 24 * time.Hour / time.Duration(max(total, 1)*2)
	now := func() time.Time { return origin.Add(time.Duration(tick.Add(1)) * step) }
	cmds := courseapp.NewCommands(st, coursemanagement.Decide, &courseapp.CommandOptions{
		Now:   now,
		Retry: &decision.Policy{Attempts: 100, BaseDelay: time.Millisecond, MaxDelay: 50 * time.Millisecond},
	})

	bar := newProgressBar(opts.Progress, total)
	defer bar.stop()
	sum := SeedSummary{Commands: total}
	var mu sync.Mutex
	for _, p := range phases {
		bar.phase(p.name)
		err := runAll(ctx, max(opts.Workers, 1), p.commands, func(cmd courseapp.Command) error {
			_, err := cmds.Handle(ctx, cmd)
			bar.add(1)
			var rule courseapp.DomainError
			if errors.As(err, &rule) {
				mu.Lock()
				defer mu.Unlock()
				if sum.Rejected == 0 {
					sum.FirstRejection = fmt.Sprintf("%s: %v", p.name, err)
				}
				sum.Rejected++
				return nil
			}
			return err
		})
		if err != nil {
			return sum, fmt.Errorf("seeding %s: %w", p.name, err)
		}
	}
	bar.stop()
	if sum.Events, err = st.Head(ctx); err != nil {
		return sum, err
	}
	sum.Elapsed = time.Since(start)
	return sum, st.Close()
}

// runAll runs f for every command with n workers, and returns the first
// error (the other workers stop taking commands then).
func runAll(ctx context.Context, n int, commands []courseapp.Command, f func(courseapp.Command) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan courseapp.Command)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for cmd := range next {
				if err := f(cmd); err != nil {
					cancel(err)
				}
			}
		})
	}
feed:
	for _, cmd := range commands {
		select {
		case next <- cmd:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	return context.Cause(ctx)
}

// phase is a list of commands that may run in any order; the phases run
// one after the other.
type phase struct {
	name     string
	commands []courseapp.Command
}

var (
	firstNames = []string{"Ada", "Alan", "Barbara", "Claude", "Donald", "Edsger", "Frances", "Grace", "Hedy", "Ivan",
		"Jean", "Ken", "Leslie", "Margaret", "Niklaus", "Ole", "Peter", "Radia", "Sophie", "Tim", "Ursula", "Vint", "Whitfield", "Yukihiro"}
	lastNames = []string{"Lovelace", "Turing", "Liskov", "Shannon", "Knuth", "Dijkstra", "Allen", "Hopper", "Lamarr", "Sutherland",
		"Sammet", "Thompson", "Lamport", "Hamilton", "Wirth", "Dahl", "Naur", "Perlman", "Wilson", "Berners-Lee", "Franklin", "Cerf", "Diffie", "Matsumoto"}
	subjects = []string{"Algebra", "Biology", "Chemistry", "Databases", "Economics", "French", "Geography", "History",
		"Informatics", "Journalism", "Latin", "Music", "Networks", "Physics", "Statistics"}
	levels = []string{"Introduction to", "Foundations of", "Applied", "Advanced", "Topics in"}
)

type plannedStudent struct {
	id   string
	tier courseapp.Tier
}

type plannedCourse struct {
	id       string
	capacity int
	enrolled []string
}

type plannedBook struct {
	id     string
	course int
	price  courseapp.Money
}

// plan decides every command of a seeding run. It tracks what the
// commands will do (tiers, capacities, enrollments, prices) so that they
// obey the rules; the command handlers enforce them regardless.
func plan(p Preset, rng *rand.Rand) []phase {
	var phases []phase
	add := func(name string, cmds []courseapp.Command) {
		if len(cmds) > 0 {
			phases = append(phases, phase{name: name, commands: cmds})
		}
	}

	// Students: registered Basic, then moved to their tier (Basic 20%,
	// Standard 40%, Professional 30%, Master 10%); 30% of those below
	// Master upgrade once more.
	students := make([]plannedStudent, p.Students)
	var register, subscribe, upgrade []courseapp.Command
	emails := map[string]int{}
	for i := range students {
		first, last := firstNames[rng.IntN(len(firstNames))], lastNames[rng.IntN(len(lastNames))]
		local := strings.ToLower(first + "." + strings.ReplaceAll(last, "-", ""))
		emails[local]++
		if n := emails[local]; n > 1 {
			local += fmt.Sprint(n)
		}
		s := plannedStudent{id: courseapp.NewID(), tier: courseapp.Basic}
		register = append(register, courseapp.RegisterStudent{StudentID: s.id, FirstName: first, LastName: last,
			Email: local + "@privateschool.edu"})
		switch r := rng.Float64(); {
		case r < 0.2:
		case r < 0.6:
			s.tier = courseapp.Standard
		case r < 0.9:
			s.tier = courseapp.Professional
		default:
			s.tier = courseapp.Master
		}
		if s.tier != courseapp.Basic {
			subscribe = append(subscribe, courseapp.UpdateStudentSubscription{StudentID: s.id, Tier: s.tier})
		}
		if s.tier != courseapp.Master && rng.Float64() < 0.3 {
			s.tier = courseapp.Tiers[s.tier.Rank()+1]
			upgrade = append(upgrade, courseapp.UpdateStudentSubscription{StudentID: s.id, Tier: s.tier})
		}
		students[i] = s
	}
	add("students", register)
	add("subscriptions", subscribe)
	add("upgrades", upgrade)

	// Courses: small (27%, 10-15 seats), medium (53%, 20-30) and large
	// (20%, 40-60); 20% change their capacity by ten seats, never below
	// ten, before anyone enrolls.
	courses := make([]plannedCourse, p.Courses)
	var create, resize []courseapp.Command
	for i := range courses {
		c := plannedCourse{id: courseapp.NewID()}
		switch r := rng.Float64(); {
		case r < 0.27:
			c.capacity = 10 + rng.IntN(6)
		case r < 0.8:
			c.capacity = 20 + rng.IntN(11)
		default:
			c.capacity = 40 + rng.IntN(21)
		}
		name := fmt.Sprintf("%s %s %d", levels[rng.IntN(len(levels))], subjects[rng.IntN(len(subjects))], 100+i)
		create = append(create, courseapp.CreateCourse{CourseID: c.id, Name: name,
			Description: "A course of the seeded sample data.", MaxStudentCount: c.capacity})
		if rng.Float64() < 0.2 {
			c.capacity = max(10, c.capacity+[]int{-10, 10}[rng.IntN(2)])
			resize = append(resize, courseapp.ModifyCourseStudentLimit{CourseID: c.id, MaxStudentCount: c.capacity})
		}
		courses[i] = c
	}
	add("courses", create)
	add("capacity changes", resize)

	// Enrollments: students in random order, each into random courses
	// with a free seat up to the tier's limit.
	var enroll []courseapp.Command
	for _, si := range rng.Perm(len(students)) {
		s := students[si]
		want := s.tier.MaxCourses()
		for _, ci := range rng.Perm(len(courses)) {
			if want == 0 {
				break
			}
			c := &courses[ci]
			if len(c.enrolled) >= c.capacity {
				continue
			}
			c.enrolled = append(c.enrolled, s.id)
			enroll = append(enroll, courseapp.EnrollStudent{CourseID: c.id, StudentID: s.id})
			want--
		}
	}
	add("enrollments", enroll)

	// Invoices, to random students.
	var invoices []courseapp.Command
	for range p.Invoices {
		invoices = append(invoices, courseapp.CreateInvoice{
			CustomerID: students[rng.IntN(len(students))].id, Amount: courseapp.Money(5000 + rng.IntN(45000))})
	}
	add("invoices", invoices)

	// Announcements: three per course; about 20% are retracted later.
	var post, retract []courseapp.Command
	for _, c := range courses {
		for k := range 3 {
			token := courseapp.NewID()
			post = append(post, courseapp.PostAnnouncement{AnnouncementID: courseapp.NewID(), CourseID: c.id,
				Title: fmt.Sprintf("Week %d", k+1), Body: "Reading for this week: chapters 1 to 3.", IdempotencyToken: token})
			if rng.Float64() < 0.2 {
				retract = append(retract, courseapp.RetractAnnouncement{CourseID: c.id, IdempotencyToken: token})
			}
		}
	}
	add("announcements", post)
	add("retractions", retract)

	// Exams: two per course, five tokens each; about 70% are redeemed by
	// a student of the course, about 10% revoked, the rest stay open.
	var issue, settle []courseapp.Command
	for _, c := range courses {
		for range 2 {
			exam := courseapp.NewID()
			for range 5 {
				token := courseapp.NewID()
				issue = append(issue, courseapp.IssueExamToken{TokenID: token, ExamID: exam, CourseID: c.id})
				switch r := rng.Float64(); {
				case r < 0.7 && len(c.enrolled) > 0:
					settle = append(settle, courseapp.RedeemExamToken{TokenID: token, StudentID: c.enrolled[rng.IntN(len(c.enrolled))]})
				case r >= 0.7 && r < 0.8:
					settle = append(settle, courseapp.RevokeExamToken{TokenID: token})
				}
			}
		}
	}
	add("exam tokens", issue)
	add("redemptions and revocations", settle)

	// Books: one per course, cycling through the courses, 9.99 to 99.99;
	// 40% change their price by up to 20%.
	books := make([]plannedBook, p.Books)
	var define, reprice []courseapp.Command
	for i := range books {
		b := plannedBook{id: courseapp.NewID(), course: i % len(courses), price: courseapp.Money(999 + rng.IntN(9001))}
		define = append(define, courseapp.DefineCourseBook{BookID: b.id, Title: fmt.Sprintf("Companion to course %d", 100+b.course),
			Author: lastNames[rng.IntN(len(lastNames))], Isbn: fmt.Sprintf("978-0-%06d-%02d-%d", i, b.course%100, i%10),
			Price: b.price, CourseID: courses[b.course].id})
		if rng.Float64() < 0.4 {
			factor := 80 + rng.IntN(41) // 80% to 120%
			b.price = max(100, b.price*courseapp.Money(factor)/100)
			reprice = append(reprice, courseapp.ChangeCourseBookPrice{BookID: b.id, Price: b.price})
		}
		books[i] = b
	}
	add("books", define)
	add("price changes", reprice)

	// Purchases: twenty per book at its current price, by random
	// students; then multi-book orders of two to four books.
	var buy []courseapp.Command
	for _, b := range books {
		for range 20 {
			buy = append(buy, courseapp.PurchaseCourseBook{BookID: b.id, StudentID: students[rng.IntN(len(students))].id,
				DisplayedPrice: b.price})
		}
	}
	add("purchases", buy)
	var order []courseapp.Command
	for range p.Orders {
		o := courseapp.OrderCourseBooks{OrderID: courseapp.NewID(), StudentID: students[rng.IntN(len(students))].id}
		n := min(2+rng.IntN(3), len(books))
		for _, bi := range rng.Perm(len(books))[:n] {
			o.Items = append(o.Items, courseapp.OrderItem{BookID: books[bi].id, DisplayedPrice: books[bi].price})
		}
		order = append(order, o)
	}
	add("orders", order)
	return phases
}

// progressBar draws "[#####.....]  45%  1234/2700  enrollments" on one
// line, redrawn a few times a second.
type progressBar struct {
	w     io.Writer
	total int
	done  atomic.Int64
	name  atomic.Value
	quit  chan struct{}
	wg    sync.WaitGroup
	once  sync.Once
}

func newProgressBar(w io.Writer, total int) *progressBar {
	b := &progressBar{w: w, total: total, quit: make(chan struct{})}
	b.name.Store("")
	if w == nil {
		return b
	}
	b.wg.Go(func() {
		t := time.NewTicker(150 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-b.quit:
				b.draw()
				fmt.Fprintln(b.w)
				return
			case <-t.C:
				b.draw()
			}
		}
	})
	return b
}

func (b *progressBar) phase(name string) { b.name.Store(name) }
func (b *progressBar) add(n int)         { b.done.Add(int64(n)) }

func (b *progressBar) draw() {
	const width = 30
	done := int(b.done.Load())
	frac := 1.0
	if b.total > 0 {
		frac = float64(done) / float64(b.total)
	}
	filled := int(frac * width)
	fmt.Fprintf(b.w, "\r[%s%s] %3.0f%%  %d/%d  %-28s", strings.Repeat("#", filled), strings.Repeat(".", width-filled),
		frac*100, done, b.total, b.name.Load())
}

// stop draws the bar a last time and ends its line; calling it again does
// nothing.
func (b *progressBar) stop() {
	b.once.Do(func() {
		close(b.quit)
		b.wg.Wait()
	})
}
