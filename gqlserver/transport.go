package gqlserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"coursegraph/gqlhttp"
	"coursegraph/models"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// httpTransport is GraphQL over HTTP (https://graphql.github.io/graphql-over-http/)
// for every request but a WebSocket upgrade and a CORS preflight: queries over GET,
// any operation over POST with an application/json body, and the response in the
// media type the client's Accept header prefers, with the status the
// specification gives for it (gqlhttp.Status). A request that is not a GraphQL
// request (a body that is not JSON, a missing query, a wrong method or media
// type) is answered with a 4xx status and an error whose code names the problem,
// never with the body it sent, and is logged at DEBUG without it.
type httpTransport struct {
	log *slog.Logger
}

var _ graphql.Transport = httpTransport{}

// allowed is the Allow header of a 405: the methods the endpoint takes.
const allowed = "GET, POST, OPTIONS"

func (httpTransport) Supports(r *http.Request) bool {
	return !IsWebSocket(r) && r.Method != http.MethodOptions
}

func (t httpTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	mediaType, ok := gqlhttp.Negotiate(r)
	if !ok {
		t.refuse(w, r, http.StatusNotAcceptable, gqlhttp.CodeNotAcceptable,
			"the Accept header allows neither application/graphql-response+json nor application/json")
		return
	}
	start := graphql.Now()
	var params *graphql.RawParams
	var problem *requestProblem
	switch r.Method {
	case http.MethodGet:
		params, problem = paramsFromURL(r.URL)
	case http.MethodPost:
		params, problem = paramsFromBody(r)
	default:
		w.Header().Set("Allow", allowed)
		t.refuse(w, r, http.StatusMethodNotAllowed, gqlhttp.CodeMethodNotAllowed,
			"the GraphQL endpoint takes GET (queries) and POST, not "+r.Method)
		return
	}
	if problem != nil {
		t.refuse(w, r, problem.status, problem.code, problem.message)
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}

	opCtx, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), errs)
		writeRequestErrors(w, mediaType, resp)
		return
	}
	if r.Method == http.MethodGet {
		if op := opCtx.Doc.Operations.ForName(opCtx.OperationName); op != nil && op.Operation != ast.Query {
			w.Header().Set("Allow", http.MethodPost)
			t.refuse(w, r, http.StatusMethodNotAllowed, gqlhttp.CodeMethodNotAllowed,
				"a "+string(op.Operation)+" must be sent with POST; GET runs queries only")
			return
		}
	}
	responses, ctx := exec.DispatchOperation(ctx, opCtx)
	resp := responses(ctx)
	if resp == nil {
		// gqlgen answers nothing for a request whose context ended before it
		// was executed: its client went away, or its deadline passed.
		t.ended(w, r)
		return
	}
	hasData := len(resp.Data) > 0 && string(resp.Data) != "null"
	status := gqlhttp.Status(mediaType, true, hasData, resp.Errors)
	head, tail := executedJSON(resp)
	gqlhttp.Write(w, mediaType, status, gqlhttp.RetryAfter(resp.Errors), head, resp.Data, tail)
}

// executedJSON is an executed response as JSON, in three parts: what goes
// before its data (the errors), its data, and what goes after (the
// extensions). The data is gqlgen's JSON already, written as it is, and not
// copied into one buffer with the rest: encoding/json would check and copy
// every byte of it again, and escape each <, > and & of the articles' HTML.
func executedJSON(resp *graphql.Response) (head, tail []byte) {
	head = openData
	if len(resp.Errors) > 0 {
		head = append(append([]byte(`{"errors":`), gqlhttp.Marshal(resp.Errors)...), `,"data":`...)
	}
	if len(resp.Data) == 0 {
		head = append(head[:len(head):len(head)], "null"...)
	}
	tail = closeObject
	if len(resp.Extensions) > 0 {
		tail = append(append([]byte(`,"extensions":`), gqlhttp.Marshal(resp.Extensions)...), '}')
	}
	return head, tail
}

// The parts of a response without errors nor extensions around its data,
// made once (io.Writer never changes what it is given).
var openData, closeObject = []byte(`{"data":`), []byte(`}`)

// writeRequestErrors answers a request that failed before execution: its errors
// and extensions, and no data entry.
func writeRequestErrors(w http.ResponseWriter, mediaType string, resp *graphql.Response) {
	status := gqlhttp.Status(mediaType, false, false, resp.Errors)
	gqlhttp.Write(w, mediaType, status, gqlhttp.RetryAfter(resp.Errors), gqlhttp.Marshal(struct {
		Errors     gqlerror.List  `json:"errors"`
		Extensions map[string]any `json:"extensions,omitempty"`
	}{resp.Errors, resp.Extensions}))
}

// ended answers a request whose context ended before it could be executed: 499
// when its client went away (logged at DEBUG; the access log and /metrics count
// it), 503 SERVICE_UNAVAILABLE with Retry-After when its deadline passed (the
// server was too slow to start it).
func (t httpTransport) ended(w http.ResponseWriter, r *http.Request) {
	if gqlhttp.ClientGone(r.Context()) {
		t.log.DebugContext(r.Context(), "request cancelled: its client went away before it was answered")
		gqlhttp.WriteErrors(w, r, gqlhttp.StatusClientClosed, gqlhttp.ClientClosed())
		return
	}
	t.log.WarnContext(r.Context(), "service unavailable: the request's deadline passed before it was executed")
	gqlhttp.WriteErrors(w, r, http.StatusServiceUnavailable, gqlhttp.Error(gqlhttp.CodeUnavailable, models.UnavailableMessage))
}

// refuse answers a request that is not a GraphQL request at all.
func (t httpTransport) refuse(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	t.log.DebugContext(r.Context(), "not a GraphQL request", slog.Int("status", status), slog.String("problem", message))
	gqlhttp.WriteErrors(w, r, status, gqlhttp.Error(code, message))
}

// requestProblem is why a request is not a GraphQL request.
type requestProblem struct {
	status  int
	code    string
	message string
}

func badRequest(message string) *requestProblem {
	return &requestProblem{status: http.StatusBadRequest, code: gqlhttp.CodeBadRequest, message: message}
}

// paramsFromURL reads a GET request's query, operationName, variables and
// extensions parameters.
func paramsFromURL(u *url.URL) (*graphql.RawParams, *requestProblem) {
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, badRequest("the URL's query string is malformed")
	}
	p := &graphql.RawParams{Query: q.Get("query"), OperationName: q.Get("operationName")}
	if v := q.Get("variables"); v != "" {
		if p.Variables, err = decodeObject([]byte(v)); err != nil {
			return nil, badRequest("the variables parameter must be a JSON object")
		}
	}
	if v := q.Get("extensions"); v != "" {
		if p.Extensions, err = decodeObject([]byte(v)); err != nil {
			return nil, badRequest("the extensions parameter must be a JSON object")
		}
	}
	if p.Query == "" && !namesPersisted(p) {
		return nil, badRequest("the request has no query parameter")
	}
	return p, nil
}

// paramsFromBody reads a POST request's JSON body.
func paramsFromBody(r *http.Request) (*graphql.RawParams, *requestProblem) {
	mt, mtParams, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != gqlhttp.JSON {
		return nil, &requestProblem{http.StatusUnsupportedMediaType, gqlhttp.CodeUnsupportedMedia,
			"a POST body must be application/json"}
	}
	if cs, has := mtParams["charset"]; has && !strings.EqualFold(cs, "utf-8") {
		return nil, &requestProblem{http.StatusUnsupportedMediaType, gqlhttp.CodeUnsupportedMedia,
			"a POST body must be UTF-8, not " + cs}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, badRequest("the request body could not be read")
	}
	var raw struct {
		Query, OperationName, Variables, Extensions json.RawMessage
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) || errors.Is(err, io.ErrUnexpectedEOF) || len(bytes.TrimSpace(body)) == 0 {
			return nil, badRequest("the body is not valid JSON")
		}
		return nil, badRequest(`the body must be a JSON object with a "query" string`)
	}
	p := &graphql.RawParams{}
	if !null(raw.Query) && json.Unmarshal(raw.Query, &p.Query) != nil {
		return nil, badRequest(`"query" must be a string`)
	}
	if !null(raw.OperationName) && json.Unmarshal(raw.OperationName, &p.OperationName) != nil {
		return nil, badRequest(`"operationName" must be a string or null`)
	}
	if !null(raw.Variables) {
		if p.Variables, err = decodeObject(raw.Variables); err != nil {
			return nil, badRequest(`"variables" must be an object or null`)
		}
	}
	if !null(raw.Extensions) {
		if p.Extensions, err = decodeObject(raw.Extensions); err != nil {
			return nil, badRequest(`"extensions" must be an object or null`)
		}
	}
	if p.Query == "" && !namesPersisted(p) {
		return nil, badRequest(`the body has no "query"`)
	}
	return p, nil
}

func null(m json.RawMessage) bool { return len(m) == 0 || string(m) == "null" }

// decodeObject decodes a JSON object, numbers kept as json.Number so that the
// scalars can tell 5 from 5.5 and refuse what does not fit.
func decodeObject(b []byte) (map[string]any, error) {
	if b = bytes.TrimSpace(b); len(b) == 0 || b[0] != '{' {
		return nil, errors.New("not an object")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("more than one value")
	}
	return m, nil
}

// namesPersisted reports whether p names a persisted document instead of sending
// one: Apollo's extensions.persistedQuery.
func namesPersisted(p *graphql.RawParams) bool {
	_, ok := p.Extensions["persistedQuery"]
	return ok
}
