// Package playground serves GraphiQL from the binary: the page, and the one
// script and one stylesheet that `make playground` builds from this folder's npm
// project (package-lock.json pins every package). Nothing is loaded from a CDN, so
// the playground works on a machine without internet access. It imports only the
// standard library.
package playground

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"net/http"
	"regexp"
	"time"
)

// AssetPath is where the page loads its script and stylesheet from.
const AssetPath = "/playground/"

//go:embed index.html dist/playground.js dist/playground.css
var files embed.FS

// file is one embedded file, ready to serve.
type file struct {
	contentType string
	body        []byte
	etag        string
}

func load(name, contentType string) file {
	body, err := files.ReadFile(name)
	if err != nil {
		panic("playground: " + name + " is not embedded: " + err.Error()) // the build embeds it
	}
	sum := sha256.Sum256(body)
	return file{contentType: contentType, body: body, etag: `"` + hex.EncodeToString(sum[:16]) + `"`}
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
		AssetPath + "playground.js":  load("dist/playground.js", "text/javascript; charset=utf-8"),
		AssetPath + "playground.css": load("dist/playground.css", "text/css; charset=utf-8"),
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
		w.Header().Set("Content-Type", f.contentType)
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("ETag", f.etag)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.body))
	})
}
