// Package pgtest starts throw-away PostgreSQL servers for tests: initdb into
// a temporary folder, a server listening on a unix socket in that folder and
// on a free TCP port of 127.0.0.1, stopped and deleted at the end.
//
// It uses the server binaries of the machine (Debian's postgresql-15
// package puts them in /usr/lib/postgresql/15/bin; OPOSSUM_PG_BIN names
// another folder). PostgreSQL refuses to run as root, so under root the
// server runs as the postgres user, which owns the temporary folder.
//
// Shared returns one server per test binary, started on first use; a
// suite that calls it stops it with StopShared in an AfterSuite. Without
// binaries, Shared skips the spec with a message that says how to install
// them; under CI=true it fails it instead, since CI must run every spec.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// BinEnv names the environment variable that overrides the folder of the
// PostgreSQL server binaries.
const BinEnv = "OPOSSUM_PG_BIN"

// DefaultBin is where Debian's postgresql-15 package installs the server.
const DefaultBin = "/usr/lib/postgresql/15/bin"

// InstallHint says how to get the binaries.
const InstallHint = "install PostgreSQL 15 (Debian/Ubuntu: apt-get install postgresql-15) or set " + BinEnv + " to the folder holding initdb and postgres"

// ErrNoBinaries means initdb or postgres was not found.
var ErrNoBinaries = errors.New("pgtest: PostgreSQL server binaries not found")

// Options configure Start. The zero value starts a durable server
// (fsync on), as production runs it.
type Options struct {
	// NoSync turns fsync and synchronous_commit off: faster, and a crash
	// of the machine loses recent commits. Never use it for durability tests.
	NoSync bool
}

// Server is a running throw-away PostgreSQL server.
type Server struct {
	dir  string // temporary folder: data/, the socket, the log
	bin  string
	port int
	opts Options
	cred *syscall.Credential

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd exited
}

// Bin returns the folder holding the server binaries, or ErrNoBinaries.
func Bin() (string, error) {
	bin := os.Getenv(BinEnv)
	if bin == "" {
		bin = DefaultBin
	}
	for _, name := range []string{"initdb", "postgres"} {
		if _, err := os.Stat(filepath.Join(bin, name)); err != nil {
			return "", fmt.Errorf("%w in %s (%s)", ErrNoBinaries, bin, InstallHint)
		}
	}
	return bin, nil
}

// Start creates a cluster in a new temporary folder and starts a server on
// it. Stop ends it and deletes the folder.
func Start(ctx context.Context, opts *Options) (*Server, error) {
	bin, err := Bin()
	if err != nil {
		return nil, err
	}
	s := &Server{bin: bin}
	if opts != nil {
		s.opts = *opts
	}
	if s.dir, err = os.MkdirTemp("", "pgtest-"); err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	if os.Geteuid() == 0 {
		if err := s.runAsPostgres(); err != nil {
			os.RemoveAll(s.dir)
			return nil, err
		}
	}
	if err := s.initdb(ctx); err != nil {
		os.RemoveAll(s.dir)
		return nil, err
	}
	if s.port, err = freePort(); err != nil {
		os.RemoveAll(s.dir)
		return nil, err
	}
	if err := s.Restart(ctx); err != nil {
		os.RemoveAll(s.dir)
		return nil, err
	}
	return s, nil
}

// runAsPostgres makes the server run as the postgres user, owner of the
// temporary folder.
func (s *Server) runAsPostgres() error {
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("pgtest: running as root needs a postgres user to run the server as: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(s.dir, uid, gid); err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	s.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	return nil
}

func (s *Server) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(s.bin, name), args...)
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C", "TZ=UTC")
	// Killed when this process dies, so that no server outlives its test
	// (its backends then exit on their own: they watch the postmaster).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: s.cred, Pdeathsig: syscall.SIGKILL}
	return cmd
}

func (s *Server) initdb(ctx context.Context) error {
	cmd := s.command(ctx, "initdb", "-D", s.DataDir(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("pgtest: initdb: %w\n%s", err, out)
	}
	return nil
}

// DataDir is the cluster's data folder.
func (s *Server) DataDir() string { return filepath.Join(s.dir, "data") }

// Port is the TCP port the server listens on, on 127.0.0.1.
func (s *Server) Port() int { return s.port }

// ConnString returns a connection string for database db (the empty
// string means postgres) through the unix socket.
func (s *Server) ConnString(db string) string {
	if db == "" {
		db = "postgres"
	}
	return fmt.Sprintf("host=%s port=%d user=postgres dbname=%s sslmode=disable", s.dir, s.port, db)
}

// URL returns a postgres:// URL for database db over TCP.
func (s *Server) URL(db string) string {
	if db == "" {
		db = "postgres"
	}
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.port, db)
}

// Restart starts the server when it is not running (after Kill, for
// example); PostgreSQL then runs crash recovery. It returns once the
// server accepts connections.
func (s *Server) Restart(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return nil
	}
	args := []string{"-D", s.DataDir(), "-k", s.dir, "-p", strconv.Itoa(s.port),
		"-c", "listen_addresses=127.0.0.1", "-c", "max_connections=500", "-c", "shared_buffers=32MB",
		"-c", "logging_collector=off"}
	if s.opts.NoSync {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	log, err := os.OpenFile(filepath.Join(s.dir, "server.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	defer log.Close()
	// The server outlives ctx: only Kill and Stop end it.
	cmd := s.command(context.WithoutCancel(ctx), "postgres", args...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("pgtest: start postgres: %w", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	s.cmd, s.done = cmd, done
	deadline := time.Now().Add(60 * time.Second)
	for {
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		conn, err := pgx.Connect(cctx, s.ConnString(""))
		cancel()
		if err == nil {
			conn.Close(ctx)
			return nil
		}
		select {
		case <-done:
			s.cmd = nil
			return fmt.Errorf("pgtest: postgres exited at start; its log:\n%s", s.Log())
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("pgtest: postgres did not accept connections within a minute: %w; its log:\n%s", err, s.Log())
		}
	}
}

// Log returns what the server wrote to its log so far.
func (s *Server) Log() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "server.log"))
	return string(b)
}

// Kill ends the server and every backend at once with SIGKILL, as a crash
// would, and waits for them. Restart brings it back.
func (s *Server) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	// Backends leave the postmaster's process group (each is a session
	// of its own), so they are found by their parent, before it dies.
	pid := s.cmd.Process.Pid
	children := childrenOf(pid)
	_ = syscall.Kill(pid, syscall.SIGKILL)
	for _, c := range children {
		_ = syscall.Kill(c, syscall.SIGKILL)
	}
	<-s.done
	for _, c := range children {
		waitGone(c)
	}
	s.cmd = nil
}

// childrenOf lists the processes whose parent is pid (from /proc).
func childrenOf(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		c, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ppid, _ := procStat(c); ppid == pid {
			out = append(out, c)
		}
	}
	return out
}

// procStat returns the parent and the state letter of process pid.
func procStat(pid int) (int, string) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, ""
	}
	// pid (comm) state ppid ...; comm may hold spaces, so cut at the last ')'.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, ""
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 2 {
		return 0, ""
	}
	ppid, _ := strconv.Atoi(f[1])
	return ppid, f[0]
}

// waitGone waits until pid has exited (a zombie counts as exited: it holds
// no shared memory).
func waitGone(pid int) {
	for range 1000 {
		if _, state := procStat(pid); state == "" || state == "Z" || state == "X" {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// signal sends sig to the server and waits for it to end.
func (s *Server) signal(sig syscall.Signal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = syscall.Kill(s.cmd.Process.Pid, sig)
	<-s.done
	s.cmd = nil
}

// Stop shuts the server down (fast shutdown: open sessions are ended) and
// deletes its folder.
func (s *Server) Stop() error {
	s.signal(syscall.SIGINT)
	return os.RemoveAll(s.dir)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgtest: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// InCI reports whether the environment says this is a CI run (CI=true),
// where a spec that needs PostgreSQL must not skip.
func InCI() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v == "true" || v == "1"
}
