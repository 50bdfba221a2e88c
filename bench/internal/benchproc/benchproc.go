// Package benchproc holds what the benchmark's runners (bench/compare and
// bench/pgo) share to drive servers on this machine: the repository's root, a
// command run in it, a free loopback port, a server binary started with its
// environment and stopped again, and a GraphQL request's body posted to it.
// It imports nothing of ours; traffic goes to 127.0.0.1 only.
package benchproc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// RepoRoot returns the directory of the go.mod of the module the command runs
// in (the repository's root, where the server's main package is).
func RepoRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("run it inside the coursegraph module")
	}
	return filepath.Dir(mod), nil
}

// Command runs name with args in dir, its output to stdout and its errors to
// ours; env, when not nil, is added to our environment.
func Command(ctx context.Context, dir string, env []string, stdout io.Writer, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, stdout, os.Stderr
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	return cmd.Run()
}

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// Server is a server binary started by Start; Stop ends it.
type Server struct {
	Name string
	URL  string // its /graphql endpoint
	cmd  *exec.Cmd
	done chan struct{}
}

// Start starts bin with args and env (besides PATH and HOME, nothing of ours)
// under name, its output in dir/name.log, and waits, at most 30 s, until
// http://127.0.0.1:port/readyz answers 200. It fails with the log when the
// server exits first.
func Start(ctx context.Context, name, bin string, args, env []string, port int, dir string) (*Server, error) {
	logPath := filepath.Join(dir, name+".log")
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	s := &Server{Name: name, URL: "http://127.0.0.1:" + strconv.Itoa(port) + "/graphql", cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); logf.Close(); close(s.done) }()
	ready := "http://127.0.0.1:" + strconv.Itoa(port) + "/readyz"
	for range 300 {
		select {
		case <-s.done:
			log, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("%s exited at start:\n%s", name, log)
		case <-ctx.Done():
			s.Stop()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		resp, err := http.Get(ready)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
	}
	s.Stop()
	return nil, fmt.Errorf("%s was not ready within 30s", name)
}

// Pid is the server's process id.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// Stop asks the server to finish (SIGTERM) and kills it after 20 s; it
// returns when the process has ended, and may be called again.
func (s *Server) Stop() {
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

// RequestBody is the JSON body of a GraphQL request (variables {} when vars is nil).
func RequestBody(query string, vars map[string]any) []byte {
	if vars == nil {
		vars = map[string]any{}
	}
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars}) // strings and maps always marshal
	return b
}

// Post sends body as JSON to url with client, with token as a bearer token
// when not empty, and returns at most 64 MiB of the answer. A status other than
// 200 is an error, returned with the answer; GraphQL errors in a 200 are not.
func Post(ctx context.Context, client *http.Client, url, token string, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return b, fmt.Errorf("POST %s: status %d: %.300s", url, resp.StatusCode, b)
	}
	return b, nil
}
