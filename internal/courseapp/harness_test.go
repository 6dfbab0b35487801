package courseapp_test

import (
	"net/http"
	"net/http/httptest"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/courseapp"
	"github.com/opossum-go/opossum/internal/courseapp/courseapptest"
	coursemanagement "github.com/opossum-go/opossum/solutions/05-coursemanagement"
	"github.com/opossum-go/opossum/store"
)

// serveApp serves app's HTTP API until the spec ends, and returns the
// server and a client that holds every exchange to openapi.json: the spec
// fails on a mismatch.
func serveApp(app *courseapp.App) (*httptest.Server, *http.Client) {
	GinkgoHelper()
	srv := httptest.NewServer(app.Handler())
	DeferCleanup(srv.Close)
	validator, err := courseapptest.NewValidator(srv.Client().Transport)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() {
		Expect(validator.Err()).NotTo(HaveOccurred(), "every exchange matches openapi.json")
	})
	return srv, &http.Client{Transport: validator}
}

// openApp opens the application on domain in a fresh folder, without
// fsync, and closes it when the spec ends.
func openApp(domain courseapp.Domain, opts courseapp.Options) *courseapp.App {
	GinkgoHelper()
	opts.NoSync = true
	app, err := courseapp.Open(GinkgoT().TempDir(), domain, &opts)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { _ = app.Close() })
	return app
}

// openStalled is openApp on the solution's domain with a courses read
// model (CourseShortInfo) that stops at its first event until the spec
// ends: it cannot catch up, whatever the machine's speed.
func openStalled(opts courseapp.Options) *courseapp.App {
	GinkgoHelper()
	gate := make(chan struct{})
	domain := coursemanagement.Domain()
	key := domain.ReadModels.CourseShortInfo.Key
	domain.ReadModels.CourseShortInfo.Key = func(e store.StoredEvent) (string, error) {
		<-gate
		return key(e)
	}
	app := openApp(domain, opts)
	DeferCleanup(func() { close(gate) }) // runs first: the read model finishes, Close returns
	return app
}
