package conformance

import (
	"encoding/json"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/store"
)

func describeValidation(h *harness) {
	Describe("event validation", func() {
		// Each entry is a bad event. The spec appends it as the last event
		// of a batch whose other events are valid, after one valid event,
		// and expects the whole batch to be refused.
		DescribeTable("rejects the whole batch, writing nothing, when only its last event",
			func(ctx SpecContext, bad store.Event, want error) {
				h.append(ctx, ev("Existing"))
				_, err := h.s.Append(ctx, []store.Event{ev("Good1"), ev("Good2", store.NewTag("k", "v")), bad}, nil)
				Expect(err).To(MatchError(want))
				Expect(h.head(ctx)).To(Equal(store.Position(1)), "a refused batch must write nothing")
				Expect(h.read(ctx, store.All())).To(HaveLen(1))
			},
			Entry("has an empty type", store.Event{Type: ""}, store.ErrInvalidEvent),
			Entry("has a type of only whitespace", store.Event{Type: " \t\n"}, store.ErrInvalidEvent),
			Entry("has a type that is not valid UTF-8", store.Event{Type: "Bad\xff"}, store.ErrInvalidEvent),
			Entry("has a tag with an empty key", ev("E", store.NewTag("", "v")), store.ErrInvalidEvent),
			Entry("has a tag key containing ':'", ev("E", store.NewTag("a:b", "v")), store.ErrInvalidEvent),
			Entry("has a tag that is not valid UTF-8", ev("E", store.NewTag("k", "\xff")), store.ErrInvalidEvent),
			Entry("has a JSON array as data", withData("[1]"), store.ErrInvalidEvent),
			Entry("has a JSON string as data", withData(`"x"`), store.ErrInvalidEvent),
			Entry("has a JSON number as data", withData("5"), store.ErrInvalidEvent),
			Entry("has JSON null as data", withData("null"), store.ErrInvalidEvent),
			Entry("has invalid JSON as data", withData(`{"a":`), store.ErrInvalidEvent),
			Entry("has a JSON object followed by more text as data", withData(`{"a":1} {"b":2}`), store.ErrInvalidEvent),
			Entry("is larger than store.DefaultMaxEventSize", withData(`{"blob":"`+strings.Repeat("x", store.DefaultMaxEventSize)+`"}`), store.ErrEventTooLarge),
		)

		It("accepts an event of half the maximum size", func(ctx SpecContext) {
			h.append(ctx, withData(`{"blob":"`+strings.Repeat("x", store.DefaultMaxEventSize/2)+`"}`))
			Expect(h.head(ctx)).To(Equal(store.Position(1)))
		})
	})
}

func withData(data string) store.Event {
	return store.Event{Type: "E", Data: json.RawMessage(data)}
}

// payload is the typed data of the round-trip spec.
type payload struct {
	Title    string   `json:"title"`
	Capacity int      `json:"capacity"`
	Labels   []string `json:"labels"`
	Open     bool     `json:"open"`
}

func describeStoredEvents(h *harness) {
	Describe("a stored event", func() {
		// stored appends e alone and reads it back.
		stored := func(ctx SpecContext, e store.Event) store.StoredEvent {
			GinkgoHelper()
			p := h.append(ctx, e)
			events := h.read(ctx, store.All(), store.After(p-1))
			Expect(events).To(HaveLen(1))
			return events[0]
		}

		It("gets the append time as its timestamp when it had none", func(ctx SpecContext) {
			e := stored(ctx, ev("A"))
			Expect(e.Metadata.Timestamp).To(BeTemporally("~", time.Now(), 5*time.Second))
		})

		It("keeps a timestamp given by the caller", func(ctx SpecContext) {
			at := time.Date(2024, 2, 29, 13, 14, 15, 123456789, time.UTC)
			e := stored(ctx, store.Event{Type: "A", Metadata: store.Metadata{Timestamp: at}})
			Expect(e.Metadata.Timestamp).To(BeTemporally("==", at))
		})

		It("keeps its correlation id, causation id and extra metadata", func(ctx SpecContext) {
			md := store.Metadata{
				CorrelationID: "corr-1",
				CausationID:   "cmd-7",
				Extra:         map[string]string{"user": "ada", "tenant": "t-1", "note": "a:b c"},
			}
			e := stored(ctx, store.Event{Type: "A", Metadata: md})
			Expect(e.Metadata.CorrelationID).To(Equal("corr-1"))
			Expect(e.Metadata.CausationID).To(Equal("cmd-7"))
			Expect(e.Metadata.Extra).To(Equal(md.Extra))
		})

		It("keeps its type and the order of its tags", func(ctx SpecContext) {
			tags := []store.Tag{store.NewTag("z", "1"), store.NewTag("a", "2"), store.NewTag("m", "3:4"), store.NewTag("a", "1")}
			e := stored(ctx, ev("Kursgebühr erhöht", tags...))
			Expect(e.Type).To(Equal("Kursgebühr erhöht"))
			Expect(e.Tags).To(Equal(tags))
		})

		It("has no tags when it was appended without any", func(ctx SpecContext) {
			Expect(stored(ctx, ev("A")).Tags).To(BeEmpty())
		})

		It("keeps a JSON object as its data", func(ctx SpecContext) {
			data := `{"title":"Go","nested":{"list":[1,2,{"x":null}],"yes":true},"text":"ü \"quoted\" \n"}`
			Expect(stored(ctx, withData(data)).Data).To(MatchJSON(data))
		})

		It("keeps its data as written, up to insignificant whitespace", func(ctx SpecContext) {
			data := "{ \"z\": 1,\n  \"a\": 123456789012345678901234567890, \"m\": 1.50 }"
			Expect(string(stored(ctx, withData(data)).Data)).To(Equal(`{"z":1,"a":123456789012345678901234567890,"m":1.50}`))
		})

		It("has {} as its data when it was appended with none", func(ctx SpecContext) {
			Expect(stored(ctx, ev("A")).Data).To(MatchJSON(`{}`))
			Expect(stored(ctx, withData("")).Data).To(MatchJSON(`{}`))
			Expect(stored(ctx, withData(" \n ")).Data).To(MatchJSON(`{}`))
		})

		It("decodes into the typed payload it was made from", func(ctx SpecContext) {
			in := payload{Title: "Event sourcing", Capacity: 12, Labels: []string{"dcb", "go"}, Open: true}
			e, err := store.NewEvent("CourseDefined", in, course1)
			Expect(err).NotTo(HaveOccurred())
			out, err := store.Decode[payload](stored(ctx, e).Event)
			Expect(err).NotTo(HaveOccurred())
			Expect(out).To(Equal(in))
		})

		It("does not change when the caller changes the event it appended", func(ctx SpecContext) {
			e := store.Event{
				Type:     "A",
				Data:     json.RawMessage(`{"n":1}`),
				Tags:     []store.Tag{store.NewTag("k", "v")},
				Metadata: store.Metadata{Extra: map[string]string{"user": "ada"}},
			}
			events := []store.Event{e}
			h.append(ctx, events...)
			e.Data[len(e.Data)-2] = '2'
			e.Tags[0].Value = "changed"
			e.Metadata.Extra["user"] = "mallory"
			events[0].Type = "B"

			got := h.read(ctx, store.All())[0]
			Expect(got.Type).To(Equal("A"))
			Expect(got.Data).To(MatchJSON(`{"n":1}`))
			Expect(got.Tags).To(Equal([]store.Tag{store.NewTag("k", "v")}))
			Expect(got.Metadata.Extra).To(Equal(map[string]string{"user": "ada"}))
		})

		It("does not change when the caller changes an event it read", func(ctx SpecContext) {
			h.append(ctx, store.Event{
				Type:     "A",
				Data:     json.RawMessage(`{"n":1}`),
				Tags:     []store.Tag{store.NewTag("k", "v")},
				Metadata: store.Metadata{Extra: map[string]string{"user": "ada"}},
			})
			first := h.read(ctx, store.All())[0]
			first.Data[len(first.Data)-2] = '2'
			first.Tags[0].Value = "changed"
			first.Metadata.Extra["user"] = "mallory"
			last, err := h.s.ReadLast(ctx, store.All())
			Expect(err).NotTo(HaveOccurred())
			last.Tags[0].Value = "changed too"

			got := h.read(ctx, store.All())[0]
			Expect(got.Data).To(MatchJSON(`{"n":1}`))
			Expect(got.Tags).To(Equal([]store.Tag{store.NewTag("k", "v")}))
			Expect(got.Metadata.Extra).To(Equal(map[string]string{"user": "ada"}))
		})
	})
}
