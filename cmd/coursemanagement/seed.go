package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
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
	{Name: "large", Students: 70000, Courses: 40000, Books: 40000, Invoices: 15000, Orders: 7000},
	{Name: "prod", Students: 350000, Courses: 200000, Books: 200000, Invoices: 75000, Orders: 35000},
}

// presetNames is "small, medium, large or prod".
func presetNames() string {
	var b strings.Builder
	for i, p := range Presets {
		switch {
		case i == len(Presets)-1:
			b.WriteString(" or ")
		case i > 0:
			b.WriteString(", ")
		}
		b.WriteString(p.Name)
	}
	return b.String()
}

func seedCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	name := fs.String("preset", "small", "size: small (about 1,700 events), medium (about 265,000), large (the reference's ~2.3 million) or prod (~11.6 million)")
	data := fs.String("data", DefaultData, "store folder; it must be empty or missing, unless -reset or -add")
	workers := fs.Int("workers", 4, "commands carried out at the same time")
	seed := fs.Uint64("seed", 1, "random seed: the same seed plans the same data")
	reset := fs.Bool("reset", false, "delete the store in -data first (no question asked: the flag is the confirmation)")
	add := fs.Bool("add", false, "add the preset's data to a store that holds events already")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	i := slices.IndexFunc(Presets, func(p Preset) bool { return p.Name == *name })
	if i < 0 {
		return &usageError{fmt.Errorf("unknown preset %q: use %s", *name, presetNames())}
	}
	if *reset && *add {
		return &usageError{errors.New("-reset and -add exclude each other")}
	}
	// The progress bar redraws one line: only a terminal shows it as one.
	var progress io.Writer
	if cli.IsTerminal(stderr) {
		progress = stderr
	}
	sum, err := Seed(ctx, *data, SeedOptions{Preset: Presets[i], Workers: *workers, Seed: *seed, Progress: progress, Reset: *reset, Add: *add})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "coursemanagement: seeded %s: %d commands appended %d events in %s", *data, sum.Commands, sum.Events, sum.Elapsed.Round(time.Millisecond))
	if sum.Before > 0 {
		fmt.Fprintf(stdout, " after the %d events it held", sum.Before)
	}
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
	// Reset deletes the store in dir first (store.DeleteStore: it refuses
	// a store another process has open, and a folder that is not a store).
	Reset bool
	// Add seeds a store that holds events already. The seeded entities are
	// new ones (new ids, emails made distinct from earlier runs), so every
	// rule still holds across the old and the new data.
	Add bool
}

// SeedSummary says what Seed did.
type SeedSummary struct {
	Commands       int
	Rejected       int
	FirstRejection string
	// Events counts the events appended; Before is the head found.
	Events, Before store.Position
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
	if opts.Reset {
		if _, err := os.Stat(dir); err == nil {
			if err := store.DeleteStore(dir, false); err != nil {
				return SeedSummary{}, fmt.Errorf("reset: %w", err)
			}
		}
	}
	st, err := store.Open(dir, &store.Options{NoSync: true})
	if err != nil {
		return SeedSummary{}, err
	}
	defer st.Close()
	head, err := st.Head(ctx)
	if err != nil {
		return SeedSummary{}, err
	}
	if head > 0 && !opts.Add {
		return SeedSummary{}, fmt.Errorf("the store in %s holds %d events already; seed an empty one "+
			"(-reset deletes it first, -add adds to it, or pick another -data folder)", dir, head)
	}
	// The clock starts a year ago, or after the last event of a store
	// being added to, and advances evenly, so that the last command
	// happens about a day ago.
	origin := time.Now().Add(-365 * 24 * time.Hour)
	emailTag := ""
	if head > 0 {
		last, err := st.ReadLast(ctx, store.All())
		if err != nil {
			return SeedSummary{}, err
		}
		if t := last.Metadata.Timestamp.Add(time.Second); t.After(origin) {
			origin = t
		}
		emailTag = fmt.Sprintf("+%d", head) // distinct from every earlier run's emails
	}

	phases := plan(opts.Preset, rand.New(rand.NewPCG(opts.Seed, 0x5eed)), emailTag)
	total := 0
	for _, p := range phases {
		total += len(p.commands)
	}
	var tick atomic.Int64
	step := max(time.Now().Add(-24*time.Hour).Sub(origin)/time.Duration(max(total, 1)*2), time.Millisecond)
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
	sum.Events, sum.Before = sum.Events-head, head
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
//
// emailTag is added to every email's local part ("ada.lovelace+17"), so
// that a run adding to a store registers no email an earlier run did.
func plan(p Preset, rng *rand.Rand, emailTag string) []phase {
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
		local += emailTag
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
	// with a free seat up to the tier's limit. Courses are drawn at random
	// (a few draws per seat wanted), then, when those find too few free
	// seats, scanned from a random start: a student's cost does not grow
	// with the number of courses, which the large presets need.
	var enroll []courseapp.Command
	for _, si := range rng.Perm(len(students)) {
		s := students[si]
		want := s.tier.MaxCourses()
		tried := map[int]bool{}
		take := func(ci int) {
			if tried[ci] {
				return
			}
			tried[ci] = true
			c := &courses[ci]
			if len(c.enrolled) >= c.capacity {
				return
			}
			c.enrolled = append(c.enrolled, s.id)
			enroll = append(enroll, courseapp.EnrollStudent{CourseID: c.id, StudentID: s.id})
			want--
		}
		for range 4 * want {
			if want == 0 || len(tried) == len(courses) {
				break
			}
			take(rng.IntN(len(courses)))
		}
		for i, from := 0, rng.IntN(max(len(courses), 1)); want > 0 && i < len(courses); i++ {
			take((from + i) % len(courses))
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
		picked := map[int]bool{}
		for len(picked) < n {
			bi := rng.IntN(len(books))
			if picked[bi] {
				continue
			}
			picked[bi] = true
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
