package personaldata_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	pd "github.com/opossum-go/opossum/lessons/09-personal-data"
	"github.com/opossum-go/opossum/specs/gwt"
	"github.com/opossum-go/opossum/specs/matchers"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/projection"
)

var _ = steps.Describe("Step 1: a unique email without the email in a tag", func() {
	It("tags an address with the hex of its HMAC-SHA256 under the tag key", func() {
		mac := hmac.New(sha256.New, tagKey)
		mac.Write([]byte("ada@example.com"))
		Expect(pd.EmailTag(tagKey, "ada@example.com")).To(Equal(store.NewTag(pd.EmailKey, hex.EncodeToString(mac.Sum(nil)))),
			"the tag is studentEmail: hex.EncodeToString of the HMAC-SHA256 of the normalized address")
	})

	It("gives one address one tag however it is typed", func() {
		Expect(pd.EmailTag(tagKey, " Ada@Example.COM ")).To(Equal(pd.EmailTag(tagKey, "ada@example.com")), "hash NormalizeEmail(email), not the address as typed")
	})

	It("gives another tag under another key, so that nobody without the key can test a guess", func() {
		Expect(pd.EmailTag([]byte("another key"), "ada@example.com")).NotTo(Equal(pd.EmailTag(tagKey, "ada@example.com")),
			"a hash without a key (plain SHA-256) lets anyone hash a list of addresses and compare: use hmac.New with the tag key")
	})
})

var _ = steps.Describe("Step 2: sealed personal fields", func() {
	var key []byte
	BeforeEach(func() {
		var err error
		key, err = newKeys().Key("s-ada")
		Expect(err).NotTo(HaveOccurred())
	})

	It("opens what it sealed", func() {
		sealed, err := pd.Seal(key, "Lovelace")
		Expect(err).NotTo(HaveOccurred())
		Expect(sealed).NotTo(ContainSubstring("Lovelace"), "Seal encrypts: the text must not show")
		Expect(pd.Open(key, sealed)).To(Equal("Lovelace"))
	})

	It("seals one text twice into two different texts", func() {
		first, err := pd.Seal(key, "Lovelace")
		Expect(err).NotTo(HaveOccurred())
		Expect(pd.Seal(key, "Lovelace")).NotTo(Equal(first), "a fresh random nonce for every Seal: equal names must not look equal")
	})

	It("refuses to open with another key", func() {
		sealed, err := pd.Seal(key, "Lovelace")
		Expect(err).NotTo(HaveOccurred())
		other, err := newKeys().Key("s-ada")
		Expect(err).NotTo(HaveOccurred())
		_, err = pd.Open(other, sealed)
		Expect(err).To(MatchError(pd.ErrUnreadable), "an erased key replaced by a new one must not read the old data")
	})

	It("refuses a sealed text that was changed", func() {
		sealed, err := pd.Seal(key, "Lovelace")
		Expect(err).NotTo(HaveOccurred())
		changed := []byte(sealed)
		changed[len(changed)/2] ^= 1
		_, err = pd.Open(key, string(changed))
		Expect(err).To(MatchError(pd.ErrUnreadable), "gcm.Open fails on changed text; wrap that failure (and a bad base64) in ErrUnreadable")
	})
})

var _ = steps.Describe("Step 3: register, unique and sealed", func() {
	var keys *pd.Keys
	BeforeEach(func() { keys = newKeys() })

	register := func(cmd pd.RegisterStudent) func(context.Context, store.EventStore) error {
		return func(ctx context.Context, s store.EventStore) error { return pd.Register(ctx, s, tagKey, keys, cmd) }
	}

	It("registers a student tagged with the hashed address, with every personal field sealed", func(ctx SpecContext) {
		sc := gwt.NewScenario(ctx).When(register(ada)).ThenAppended(pd.StudentRegisteredType)
		e := sc.Appended()[0]
		Expect(e).To(And(matchers.HaveTag(pd.StudentTag("s-ada")), matchers.HaveTag(pd.EmailTag(tagKey, ada.Email))))
		Expect(string(e.Data)).NotTo(Or(ContainSubstring("Lovelace"), ContainSubstring("example.com")),
			"seal FirstName, LastName and Email with the student's key")
		reg, err := store.Decode[pd.StudentRegistered](e.Event)
		Expect(err).NotTo(HaveOccurred())
		key, err := keys.Lookup("s-ada")
		Expect(err).NotTo(HaveOccurred(), "Register makes the student's key with keys.Key")
		Expect(pd.Open(key, reg.LastName)).To(Equal("Lovelace"))
		Expect(pd.Open(key, reg.Email)).To(Equal("ada@example.com"))
	})

	It("refuses an address another student registered with, however it is typed", func(ctx SpecContext) {
		taken := pd.StudentRegistered{StudentID: "s-bob"}.Event(pd.EmailTag(tagKey, "ada@example.com"))
		cmd := ada
		cmd.Email = " ADA@example.com"
		gwt.NewScenario(ctx).Given(taken).When(register(cmd)).ThenError(pd.ErrEmailTaken).ThenNothingAppended()
	})

	It("lets only one of two students racing for one address register", func(ctx SpecContext) {
		s := gwt.NewStore()
		rival := &beforeFirstAppend{EventStore: s, rival: []store.Event{pd.StudentRegistered{StudentID: "s-bob"}.Event(pd.EmailTag(tagKey, ada.Email))}}
		Expect(pd.Register(ctx, rival, tagKey, keys, ada)).To(MatchError(store.ErrAppendConditionFailed),
			"the rival registered the address between your read and your append: guard the append with the query you read")
		Expect(pd.Register(ctx, s, tagKey, keys, ada)).To(MatchError(pd.ErrEmailTaken), "and trying again finds the address taken")
	})

	It("writes no name and no address into the store's files", func(ctx SpecContext) {
		fs := fileStore()
		Expect(pd.Register(ctx, fs, tagKey, keys, ada)).To(Succeed())
		Expect(pd.Register(ctx, fs, tagKey, keys, bob)).To(Succeed())
		Expect(filesContaining(fs.Dir(), "Lovelace", "Barker", "example.com")).To(BeEmpty(), "personal data must be neither in the data nor in a tag of an event")
	})
})

var _ = steps.Describe("Step 4: read, and forget", func() {
	var keys *pd.Keys
	BeforeEach(func() { keys = newKeys() })

	It("reads a registered student in plain text", func(ctx SpecContext) {
		s := gwt.NewStore()
		Expect(pd.Register(ctx, s, tagKey, keys, ada)).To(Succeed())
		Expect(pd.LoadStudent(ctx, s, keys, "s-ada")).To(Equal(pd.Student{StudentID: "s-ada", FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com"}))
	})

	It("reads Erased in every personal field of a forgotten student, and the others as before", func(ctx SpecContext) {
		s := gwt.NewStore()
		Expect(pd.Register(ctx, s, tagKey, keys, ada)).To(Succeed())
		Expect(pd.Register(ctx, s, tagKey, keys, bob)).To(Succeed())
		Expect(pd.Forget(ctx, s, keys, "s-ada")).To(Succeed())
		Expect(pd.LoadStudent(ctx, s, keys, "s-ada")).To(Equal(pd.Student{StudentID: "s-ada", FirstName: pd.Erased, LastName: pd.Erased, Email: pd.Erased}),
			"Reveal: when keys.Lookup returns ErrKeyErased, every personal field reads Erased, and there is no error")
		Expect(pd.LoadStudent(ctx, s, keys, "s-bob")).To(HaveField("LastName", "Barker"))
		_, err := keys.Lookup("s-ada")
		Expect(err).To(MatchError(pd.ErrKeyErased), "reading a forgotten student must not make a new key: Reveal uses keys.Lookup, never keys.Key")
	})

	It("records the erasure as StudentDataErased", func(ctx SpecContext) {
		gwt.NewScenario(ctx).
			When(func(ctx context.Context, s store.EventStore) error { return pd.Forget(ctx, s, keys, "s-ada") }).
			ThenAppended(pd.StudentDataErasedType)
	})

	It("erases the key even when the store then refuses the fact: data gone first, the record of it second", func(ctx SpecContext) {
		s := gwt.NewStore()
		Expect(pd.Register(ctx, s, tagKey, keys, ada)).To(Succeed())
		Expect(pd.Forget(ctx, refusing{s}, keys, "s-ada")).To(MatchError(errRefused))
		_, err := keys.Lookup("s-ada")
		Expect(err).To(MatchError(pd.ErrKeyErased), "Forget erases the key before it appends StudentDataErased")
	})
})

// directory runs the student directory over fs in a runner of its own,
// closed after the spec unless the spec closed it, and returns the runner
// and its read models.
func directory(fs *store.FileStore, keys *pd.Keys) (*projection.Runner, *projection.ReadModels[pd.Student]) {
	GinkgoHelper()
	r, err := projection.NewRunner(fs, &projection.Options{NoSync: true})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() error {
		if err := r.Close(); !errors.Is(err, projection.ErrClosed) {
			return err
		}
		return nil
	})
	m, err := projection.Register(r, pd.Directory(keys))
	Expect(err).NotTo(HaveOccurred(), "the runner refused the definition")
	Expect(r.Start()).To(Succeed())
	return r, m
}

// caughtUp waits until the directory reflects every event in fs, and
// returns the student id's read model.
func caughtUp(ctx context.Context, fs *store.FileStore, r *projection.Runner, m *projection.ReadModels[pd.Student], studentID string) pd.Student {
	GinkgoHelper()
	head, err := fs.Head(ctx)
	Expect(err).NotTo(HaveOccurred())
	wait, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	Expect(r.WaitFor(wait, pd.DirectoryName, head)).To(Succeed(), "the directory did not reach the head: %v", r.Status())
	item, err := m.Get(studentID)
	Expect(err).NotTo(HaveOccurred())
	return item.State
}

var _ = steps.Describe("Step 5: a read model that forgets", func() {
	var keys *pd.Keys
	BeforeEach(func() { keys = newKeys() })

	It("holds each student in plain text, and forgets one as soon as StudentDataErased arrives", func(ctx SpecContext) {
		fs := fileStore()
		Expect(pd.Register(ctx, fs, tagKey, keys, ada)).To(Succeed())
		Expect(pd.Register(ctx, fs, tagKey, keys, bob)).To(Succeed())
		r, m := directory(fs, keys)
		Expect(caughtUp(ctx, fs, r, m, "s-ada")).To(HaveField("LastName", "Lovelace"), "a registration folds to the revealed student")

		Expect(pd.Forget(ctx, fs, keys, "s-ada")).To(Succeed())
		Expect(caughtUp(ctx, fs, r, m, "s-ada")).To(Equal(pd.Student{StudentID: "s-ada", FirstName: pd.Erased, LastName: pd.Erased, Email: pd.Erased}),
			"StudentDataErased replaces every personal field of the student's read model by Erased")
		Expect(caughtUp(ctx, fs, r, m, "s-bob")).To(HaveField("LastName", "Barker"))
		Expect(r.Close()).To(Succeed(), "a running runner rewrites its files while they are read")
		Expect(filesContaining(filepath.Join(fs.Dir(), "projections"), "Lovelace", "ada@example.com")).To(BeEmpty(), "no read-model file may keep the forgotten student's data")
	}, SpecTimeout(2*time.Minute))

	It("holds no data of a student whose key was erased once it is rebuilt", func(ctx SpecContext) {
		fs := fileStore()
		Expect(pd.Register(ctx, fs, tagKey, keys, ada)).To(Succeed())
		Expect(pd.Register(ctx, fs, tagKey, keys, bob)).To(Succeed())
		r, m := directory(fs, keys)
		Expect(caughtUp(ctx, fs, r, m, "s-ada")).To(HaveField("LastName", "Lovelace"))

		By("the key erased, and the directory rebuilt from the first event")
		Expect(keys.Erase("s-ada")).To(Succeed())
		Expect(r.Rebuild(ctx, pd.DirectoryName)).To(Succeed())
		Expect(caughtUp(ctx, fs, r, m, "s-ada")).To(HaveField("LastName", pd.Erased), "a registration whose key is gone folds to Erased fields (Reveal)")
		Expect(caughtUp(ctx, fs, r, m, "s-bob")).To(HaveField("LastName", "Barker"))
		Expect(r.Close()).To(Succeed(), "a running runner rewrites its files while they are read")
		Expect(filesContaining(filepath.Join(fs.Dir(), "projections"), "Lovelace", "ada@example.com")).To(BeEmpty(), "the rebuilt read models must not keep the forgotten student's data")
	}, SpecTimeout(2*time.Minute))
})
