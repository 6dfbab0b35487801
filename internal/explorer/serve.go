package explorer

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"
)

// Serve serves h on 127.0.0.1:port (0: a free port), calls ready with the
// page's address once it listens, and serves until ctx ends; it then closes
// every connection, the live streams included, and returns nil. A port in
// use is an error that says so and how to choose another.
func Serve(ctx context.Context, h http.Handler, port int, ready func(url string)) error {
	if port < 0 || port > 65535 {
		return fmt.Errorf("explorer: the port must be from 0 to 65535, not %d", port)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("port %d on 127.0.0.1 is in use by another program: choose another with --port, or leave --port out for a free one", port)
	}
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	ready("http://" + ln.Addr().String() + "/")
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		// Close, not Shutdown: the live streams never end by themselves.
		_ = srv.Close()
		<-done
		return nil
	}
}
