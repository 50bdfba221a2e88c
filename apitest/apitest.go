// Package apitest gives the tests of graph (the schema) and gqlserver (the
// HTTP side) one GraphQL endpoint under test, the same for both: a service on
// a test store with the cheapest password hashes and no rate limits, the
// handler the server mounts, requests as a client sends them, staff users and
// their sign-in, and a graphql-transport-ws client. It is imported by tests
// only.
//
// It may import gqlserver, service, auth, logging, models and store.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"coursegraph/auth"
	"coursegraph/gqlserver"
	"coursegraph/logging"
	"coursegraph/models"
	"coursegraph/service"
	"coursegraph/store"

	coderws "github.com/coder/websocket"
)

// Password is the password of every user AddUser makes.
const Password = "correct horse battery"

// API is a GraphQL endpoint under test, with the log it writes.
type API struct {
	T       testing.TB
	Handler http.Handler
	Log     *bytes.Buffer
	Svc     *service.Service
	// Token, when set, is sent as the bearer token; RawAuth, when set, is sent
	// as the whole Authorization header instead.
	Token, RawAuth string
	// RemoteAddr, when set, is the client's address.
	RemoteAddr string
	// Headers are extra request headers.
	Headers map[string]string
}

// New returns the endpoint over a new service on s.
func New(t testing.TB, s *store.Store) *API {
	t.Helper()
	return NewWith(t, NewService(t, s))
}

// NewWith returns the endpoint over svc, with introspection on.
func NewWith(t testing.TB, svc *service.Service) *API {
	t.Helper()
	return NewWithOptions(t, svc, gqlserver.HandlerOptions{Introspection: true})
}

// NewWithOptions returns the endpoint over svc with opts, behind the request
// log (JSON, into API.Log).
func NewWithOptions(t testing.TB, svc *service.Service, opts gqlserver.HandlerOptions) *API {
	t.Helper()
	var buf bytes.Buffer
	log, err := logging.New(&buf, "json", slog.LevelInfo)
	if err != nil {
		t.Fatal(err)
	}
	return &API{T: t, Handler: logging.Middleware(log, gqlserver.NewHandler(svc, log, opts)), Log: &buf, Svc: svc}
}

// NewService returns a service over s with the cheapest password hashes and no
// rate limits (the rate limit tests set their own through opts).
func NewService(t testing.TB, s *store.Store, opts ...func(*service.Options)) *service.Service {
	t.Helper()
	off := service.Limit{Burst: -1}
	o := service.Options{BcryptCost: 4, LoginPerAddress: off, LoginPerAccount: off, LoginPerAccountTotal: off, CommentsPerAddress: off, EnquiriesPerAddress: off}
	for _, opt := range opts {
		opt(&o)
	}
	svc, err := service.New(s, o)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// Response is a GraphQL response, its data kept as raw JSON.
type Response struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// Code returns the extensions.code of the first error, or "" for none.
func (r Response) Code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// Post sends a query as JSON over POST and returns the decoded body.
func (a *API) Post(query string, vars map[string]any) (Response, *httptest.ResponseRecorder) {
	a.T.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		a.T.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if a.RemoteAddr != "" {
		req.RemoteAddr = a.RemoteAddr
	}
	for k, v := range a.Headers {
		req.Header.Set(k, v)
	}
	switch {
	case a.RawAuth != "":
		req.Header.Set("Authorization", a.RawAuth)
	case a.Token != "":
		req.Header.Set("Authorization", "Bearer "+a.Token)
	}
	rec := httptest.NewRecorder()
	a.Handler.ServeHTTP(rec, req)
	var resp Response
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		a.T.Fatalf("response is not JSON: %v\n%s", err, rec.Body.String())
	}
	return resp, rec
}

// OK sends a query that must succeed and returns its data.
func (a *API) OK(query string, vars map[string]any) json.RawMessage {
	a.T.Helper()
	resp, _ := a.Post(query, vars)
	if len(resp.Errors) > 0 {
		a.T.Fatalf("unexpected errors: %+v", resp.Errors)
	}
	return resp.Data
}

// AddUser creates an active user with role and Password, as the operator.
func (a *API) AddUser(email string, role models.Role) *models.User {
	a.T.Helper()
	name := strings.Split(email, "@")[0]
	u, err := a.Svc.CreateUser(auth.AsSystem(context.Background()), models.UserInput{Name: &name, Email: &email, Role: &role}, Password)
	if err != nil {
		a.T.Fatalf("create user %s: %v", email, err)
	}
	return u
}

// SignIn signs in through the API and returns a copy of a that sends the
// session's token.
func (a *API) SignIn(email, password string) *API {
	a.T.Helper()
	var got struct{ Login struct{ Token string } }
	if err := json.Unmarshal(a.OK(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, map[string]any{"e": email, "p": password}), &got); err != nil || got.Login.Token == "" {
		a.T.Fatalf("sign in as %s: %v", email, err)
	}
	signed := *a
	signed.Token = got.Login.Token
	return &signed
}

// Decode unmarshals data into v, failing t if it cannot: a changed response
// shape fails the test instead of passing as zero values.
func Decode(t testing.TB, data []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("decode %T from %s: %v", v, data, err)
	}
}

// WaitFor spins (yielding, without sleeping) until cond holds or a minute
// passes (a busy machine under the race detector is slow; only a failure waits
// that long).
func WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		runtime.Gosched()
	}
}

// WSClient is a graphql-transport-ws client.
type WSClient struct {
	t    testing.TB
	Conn *coderws.Conn
}

// DialWS opens a graphql-transport-ws connection to the server at url
// (http://host:port), closed when t ends.
func DialWS(t testing.TB, url string) *WSClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, _, err := coderws.Dial(ctx, "ws"+strings.TrimPrefix(url, "http")+"/graphql", &coderws.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { _ = conn.CloseNow() })
	return &WSClient{t: t, Conn: conn}
}

// Send writes msg as JSON.
func (c *WSClient) Send(msg map[string]any) {
	c.t.Helper()
	b, err := json.Marshal(msg)
	if err != nil {
		c.t.Fatal(err)
	}
	if err := c.Conn.Write(context.Background(), coderws.MessageText, b); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// Read returns the next message, skipping keep-alive pings; err when the
// server closed the connection.
func (c *WSClient) Read() (map[string]any, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		_, b, err := c.Conn.Read(ctx)
		if err != nil {
			return nil, err
		}
		var msg map[string]any
		if err := json.Unmarshal(b, &msg); err != nil {
			return nil, err
		}
		if msg["type"] != "ping" && msg["type"] != "pong" {
			return msg, nil
		}
	}
}

// CloseOf reads until the server closes the connection and returns the close
// code and reason, and the types of the messages read before it.
func (c *WSClient) CloseOf() (coderws.StatusCode, string, []string) {
	c.t.Helper()
	var types []string
	for {
		msg, err := c.Read()
		if err != nil {
			var ce coderws.CloseError
			if !errors.As(err, &ce) {
				c.t.Fatalf("want a close frame, got %v", err)
			}
			return ce.Code, ce.Reason, types
		}
		types = append(types, msg["type"].(string))
	}
}
