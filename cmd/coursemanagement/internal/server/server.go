// Package server is what the coursemanagement command puts around the
// application's HTTP handler to run it as a service: admin
// authentication, a request body limit, an access log with request ids,
// OpenTelemetry HTTP server spans and metrics (otelhttp), and the
// http.Server with explicit timeouts. The application's handler serves
// /healthz itself.
package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
)

// Config configures the service around the application's handler. The
// zero value of each field means its default.
type Config struct {
	// AdminToken, when set, is required of every request to /admin/... as
	// "Authorization: Bearer TOKEN". Empty leaves the admin endpoints
	// open: only for loopback addresses (see CheckExposure).
	AdminToken string
	// MaxBody bounds request bodies, in bytes; a larger one gets 413.
	// Zero means DefaultMaxBody.
	MaxBody int64
	// Log receives one record per request. Nil discards them.
	Log *slog.Logger
}

// Defaults of Config and of the server's timeouts.
const (
	DefaultMaxBody           = 1 << 20
	DefaultReadHeaderTimeout = 5 * time.Second
	DefaultReadTimeout       = 30 * time.Second
	DefaultWriteTimeout      = 60 * time.Second
	DefaultIdleTimeout       = 2 * time.Minute
)

// Handler returns the application's handler h wrapped for service: admin
// authentication, the body limit, otelhttp spans and metrics (through the
// global providers), the access log and X-Request-Id.
func Handler(h http.Handler, c Config) http.Handler {
	if c.MaxBody == 0 {
		c.MaxBody = DefaultMaxBody
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	traced := otelhttp.NewHandler(admin(c.AdminToken, limitBody(c.MaxBody, h)), "coursemanagement",
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return r.Method }))
	return accessLog(c.Log, traced)
}

// NewServer returns an http.Server for h with explicit timeouts: zero
// durations mean the Default... constants. A client that sends its
// headers slower than readHeader is cut off (slow loris).
func NewServer(h http.Handler, readHeader, read, write, idle time.Duration, log *slog.Logger) *http.Server {
	or := func(d, def time.Duration) time.Duration {
		if d == 0 {
			return def
		}
		return d
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: or(readHeader, DefaultReadHeaderTimeout),
		ReadTimeout:       or(read, DefaultReadTimeout),
		WriteTimeout:      or(write, DefaultWriteTimeout),
		IdleTimeout:       or(idle, DefaultIdleTimeout),
		MaxHeaderBytes:    64 << 10,
	}
	if log != nil {
		srv.ErrorLog = slog.NewLogLogger(log.Handler(), slog.LevelWarn)
	}
	return srv
}

// ErrExposed is CheckExposure's error.
var ErrExposed = errors.New("the admin endpoints would answer anyone on the network")

// CheckExposure refuses to serve on addr, a listener's address, when it is
// not a loopback address and there is no admin token.
func CheckExposure(addr net.Addr, token string) error {
	if token != "" {
		return nil
	}
	if tcp, ok := addr.(*net.TCPAddr); ok && tcp.IP.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%w on %s: set an admin token (-admin-token or COURSEMANAGEMENT_ADMIN_TOKEN), or listen on localhost", ErrExposed, addr)
}

// WriteProblem writes an RFC 9457 problem whose type is about:blank: the
// status says it all, and the title is the status text.
func WriteProblem(w http.ResponseWriter, r *http.Request, status int, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(struct {
		Type     string `json:"type"`
		Title    string `json:"title"`
		Status   int    `json:"status"`
		Detail   string `json:"detail,omitempty"`
		Instance string `json:"instance,omitempty"`
	}{"about:blank", http.StatusText(status), status, detail, r.URL.Path})
}

// admin requires the token of every request under /admin/: none is a 401
// (with WWW-Authenticate), a wrong one a 403. The comparison takes the
// same time whatever the token given.
func admin(token string, next http.Handler) http.Handler {
	if token == "" {
		return next
	}
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/admin" && !strings.HasPrefix(r.URL.Path, "/admin/") {
			next.ServeHTTP(w, r)
			return
		}
		given, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || given == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="coursemanagement admin"`)
			WriteProblem(w, r, http.StatusUnauthorized, "the admin endpoints need the header Authorization: Bearer TOKEN")
			return
		}
		got := sha256.Sum256([]byte(given))
		if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			WriteProblem(w, r, http.StatusForbidden, "the admin token is not the server's")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// limitBody answers 413 to a request whose body is larger than max bytes:
// at once when its Content-Length says so, after reading max+1 bytes when
// it is chunked. The handler reads a body of at most max bytes.
func limitBody(max int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tooLarge := func() {
			w.Header().Set("Connection", "close")
			WriteProblem(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is larger than %d bytes", max))
		}
		switch {
		case r.ContentLength > max:
			tooLarge()
			return
		case r.ContentLength < 0 && r.Body != nil && r.Body != http.NoBody:
			b, err := io.ReadAll(io.LimitReader(r.Body, max+1))
			if err != nil {
				WriteProblem(w, r, http.StatusBadRequest, "the request body could not be read")
				return
			}
			if int64(len(b)) > max {
				tooLarge()
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(b))
		case r.Body != nil:
			r.Body = http.MaxBytesReader(w, r.Body, max)
		}
		next.ServeHTTP(w, r)
	})
}

// RequestIDHeader carries a request's id, taken from the request when it
// has a sane one, made up otherwise, and sent back with the response.
const RequestIDHeader = "X-Request-Id"

var saneID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

type requestIDKey struct{}

// RequestID returns the id of the request ctx belongs to, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// accessLog logs one record per request (method, path, status, duration,
// bytes, request id) and sets X-Request-Id.
func accessLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get(RequestIDHeader)
		if !saneID.MatchString(id) {
			var b [8]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set(RequestIDHeader, id)
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
		log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", rec.status),
			slog.Duration("duration", time.Since(start)),
			slog.Int64("bytes", rec.bytes),
			slog.String("request_id", id))
	})
}

// recorder remembers a response's status and size.
type recorder struct {
	http.ResponseWriter
	status      int
	bytes       int64
	wroteHeader bool
}

func (r *recorder) WriteHeader(status int) {
	if !r.wroteHeader {
		r.status, r.wroteHeader = status, true
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wroteHeader = true
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
