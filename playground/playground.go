// Package playground serves GraphiQL from the binary: the page, and the one
// script and one stylesheet that `make playground` builds from this folder's npm
// project (package-lock.json pins every package). Nothing is loaded from a CDN, so
// the playground works on a machine without internet access. It imports only the
// standard library.
package playground

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// AssetPath is where the page loads its script and stylesheet from.
const AssetPath = "/playground/"

//go:embed index.html dist/playground.js.gz dist/playground.css.gz
var files embed.FS

// file is one embedded file, ready to serve: as it is, and gzipped when it was
// embedded so (the bundle is a third of its size gzipped).
type file struct {
	contentType string
	body        []byte
	gzipped     []byte
	etag        string
}

func load(name, contentType string) file {
	body, err := files.ReadFile(name)
	if err != nil {
		panic("playground: " + name + " is not embedded: " + err.Error()) // the build embeds it
	}
	f := file{contentType: contentType, body: body}
	if strings.HasSuffix(name, ".gz") {
		f.gzipped = body
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err == nil {
			f.body, err = io.ReadAll(zr)
		}
		if err != nil {
			panic("playground: " + name + " is not gzip: " + err.Error()) // the build writes it so
		}
	}
	sum := sha256.Sum256(f.body)
	f.etag = `"` + hex.EncodeToString(sum[:16]) + `"`
	return f
}

// policyHead and policyTail surround connect-src, which names the request's own
// host for WebSockets.
const (
	policyHead = "default-src 'none'; script-src 'self'; style-src 'self'; " +
		"font-src 'self' data:; img-src 'self' data:; connect-src 'self'"
	policyTail = "; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)

// plainHost is a host name or IP address with an optional port: the only Host
// values the policy repeats, so that a request can never write into it.
var plainHost = regexp.MustCompile(`^([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.?|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$`)

// Policy is the page's Content-Security-Policy for a request to host: scripts,
// styles and fonts only from this server (the fonts are data: URLs inside the
// stylesheet), nothing inline; requests only to this server, over HTTP and
// WebSocket (ws: and wss: are named for browsers that do not count them as
// 'self'); no frames, plugins, forms or base URL. The browser test fails on any
// violation of it.
func Policy(host string) string {
	if !plainHost.MatchString(host) {
		return policyHead + policyTail
	}
	return policyHead + " ws://" + host + " wss://" + host + policyTail
}

// Handler serves the page at / and its assets under AssetPath; any other path is
// 404. Every response carries an ETag and asks the browser to revalidate, so a
// new binary's playground is never mixed with an old cached bundle.
func Handler() http.Handler {
	page := load("index.html", "text/html; charset=utf-8")
	assets := map[string]file{
		AssetPath + "playground.js":  load("dist/playground.js.gz", "text/javascript; charset=utf-8"),
		AssetPath + "playground.css": load("dist/playground.css.gz", "text/css; charset=utf-8"),
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := assets[r.URL.Path]
		switch {
		case r.URL.Path == "/":
			f = page
			w.Header().Set("Content-Security-Policy", Policy(r.Host))
		case !ok:
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", f.contentType)
		h.Set("Cache-Control", "no-cache")
		body, etag := f.body, f.etag
		if f.gzipped != nil {
			h.Add("Vary", "Accept-Encoding")
			if acceptsGzip(r) {
				h.Set("Content-Encoding", "gzip")
				body, etag = f.gzipped, strings.TrimSuffix(f.etag, `"`)+`-gzip"`
			}
		}
		h.Set("ETag", etag)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
	})
}

// acceptsGzip reports whether r's Accept-Encoding takes gzip (with a quality
// above 0).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}
