# Everyday commands. CI runs .ci/run, which does what check-generate, vet and
# test-mysql do here.
TEST_MYSQL_DSN ?= root@tcp(127.0.0.1:3306)/

.PHONY: run test test-mysql test-tidb test-race test-differential scaleout-test generate check-generate vet migrate seed bench bench-compare pgo http-audit web test-web playground test-playground

run: ## the server on the embedded database, with demo data and the playground
	go run .

test: ## every test on SQLite
	go test ./...

test-mysql: ## every test on SQLite and on MySQL
	TEST_MYSQL_DSN='$(TEST_MYSQL_DSN)' go test ./...

test-tidb: ## the database, GraphQL and HTTP tests on TiDB alone (builds tidb-server once per machine, starts it on 14000)
	TEST_ENGINE=tidb TEST_TIDB_DSN="$$(test/tidb/start.sh)" go test . ./store/... ./graph/... ./gqlserver/...

test-race:
	go test -race ./...

test-differential: ## the cache's differential test for 10 minutes (5 in process, 5 on Redis) with a random seed, printed first
	go test ./gqlserver -run TestCachedAnswersMatchAnUncachedServerUnderRandomWrites -v -timeout 40m -diff.seed=0 -diff.duration=$${DIFF_DURATION:-5m}

scaleout-test: ## three instances behind HAProxy, a MariaDB primary and replica, a Redis, all on 127.0.0.1 (test/scaleout)
	test/scaleout/run.sh

generate: ## regenerate gqlgen code from schema.graphqls (then the executor rewritten: graph/internal/inlinelists)
	go generate ./graph

check-generate: generate
	@git diff --exit-code -- graph || (echo "generated code was stale: commit the diff" && false)

vet:
	gofmt -l . | (! grep .)
	go vet ./...

migrate:
	go run . migrate

seed:
	go run . seed

bench:
	go test -run '^$$' -bench . ./graph/

bench-compare: ## coursegraph against the raw baseline on MySQL (bench/README.md)
	go run ./bench/compare

pgo: ## refresh default.pgo, the CPU profile of the benchmark's mix that go build optimises with (bench/README.md)
	go run ./bench/pgo

http-audit: ## the GraphQL-over-HTTP audits of graphql-http against a fresh server
	cd test/http-audit && npm ci --no-audit --no-fund && node audit.mjs

web: ## build examples/web (the site on persisted documents) into examples/web/dist
	cd examples/web && npm ci && npm run build

test-web: web ## the site's browser test: the server, vite preview and Debian's chromium
	cd examples/web && npm test

playground: playground/node_modules ## rebuild the playground's bundle (playground/dist, embedded in the binary) from package-lock.json
	cd playground && npm run build

test-playground: playground/node_modules ## the playground in headless Chromium (Debian's chromium at /usr/bin/chromium)
	cd playground && npm test

playground/node_modules: playground/package-lock.json
	cd playground && npm ci --no-audit --no-fund
	@touch $@
