package provider

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/sluice-dev/terraform-provider-sluice/internal/client"
)

// fakeAPI is a hand-written, in-memory stand-in for the Sluice management
// API: sources, HTTP endpoints, consumers and tokens of one account. It
// behaves the way the spec says the server does where the provider depends
// on it (defaults, write-only fields, id-or-name lookups, PATCH of present
// fields, Idempotency-Key replays, problem+json errors with a field), and it
// spells some values its own way (filters, group columns, endpoint names) so
// the provider's handling of that is exercised.
//
// It serves the unit tests, and the acceptance tests when SLUICE_ACC_FAKE=1
// (a quick check of the provider's own logic with the real terraform CLI);
// it is no substitute for the real server.
type fakeAPI struct {
	mu          sync.Mutex
	sources     map[string]*client.Source
	endpoints   map[string]*fakeEndpoint
	consumers   map[string]*client.Consumer
	tokens      map[string]*fakeToken
	idempotency map[string]fakeReply
	requests    []fakeRequest
	// failNext, when set, answers the next request with this status (and
	// Retry-After: 0), to exercise retries.
	failNext []int
}

type fakeEndpoint struct {
	endpoint      client.HttpEndpoint
	secretHeaders map[string]string
	signingSecret string
}

type fakeToken struct {
	token  client.ApiToken
	secret string
}

type fakeReply struct {
	status int
	body   []byte
}

// fakeRequest is what the fake received, for tests to assert on.
type fakeRequest struct {
	Method         string
	Path           string
	IdempotencyKey string
	Body           map[string]any
}

const fakeManageToken = "sluice_fake_manage_token"

func newFakeAPI() *fakeAPI {
	fake := &fakeAPI{
		sources:     map[string]*client.Source{},
		endpoints:   map[string]*fakeEndpoint{},
		consumers:   map[string]*client.Consumer{},
		tokens:      map[string]*fakeToken{},
		idempotency: map[string]fakeReply{},
	}
	fake.tokens["tok_manage"] = &fakeToken{
		token:  client.ApiToken{Id: "tok_manage", Name: "manage", Scopes: []client.Scope{client.ScopeManage}, CreatedAt: time.Now().UTC()},
		secret: fakeManageToken,
	}
	return fake
}

func (f *fakeAPI) start() *httptest.Server {
	return httptest.NewServer(f.handler())
}

func (f *fakeAPI) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/me", f.getMe)
	mux.HandleFunc("POST /v1/sources", f.createSource)
	mux.HandleFunc("GET /v1/sources/{id}", f.getSource)
	mux.HandleFunc("PATCH /v1/sources/{id}", f.updateSource)
	mux.HandleFunc("DELETE /v1/sources/{id}", f.deleteSource)
	mux.HandleFunc("GET /v1/sources/{id}/tables", f.listSourceTables)
	mux.HandleFunc("POST /v1/http-endpoints", f.createEndpoint)
	mux.HandleFunc("GET /v1/http-endpoints/{id}", f.getEndpoint)
	mux.HandleFunc("PATCH /v1/http-endpoints/{id}", f.updateEndpoint)
	mux.HandleFunc("DELETE /v1/http-endpoints/{id}", f.deleteEndpoint)
	mux.HandleFunc("POST /v1/consumers", f.createConsumer)
	mux.HandleFunc("GET /v1/consumers/{id}", f.getConsumer)
	mux.HandleFunc("PATCH /v1/consumers/{id}", f.updateConsumer)
	mux.HandleFunc("DELETE /v1/consumers/{id}", f.deleteConsumer)
	mux.HandleFunc("POST /v1/tokens", f.createToken)
	mux.HandleFunc("GET /v1/tokens/{id}", f.getToken)
	mux.HandleFunc("DELETE /v1/tokens/{id}", f.revokeToken)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		var body map[string]any
		raw := []byte{}
		if r.Body != nil {
			decoder := json.NewDecoder(r.Body)
			_ = decoder.Decode(&body)
			raw, _ = json.Marshal(body)
		}
		f.requests = append(f.requests, fakeRequest{Method: r.Method, Path: r.URL.Path, IdempotencyKey: r.Header.Get("Idempotency-Key"), Body: body})
		if len(f.failNext) > 0 {
			status := f.failNext[0]
			f.failNext = f.failNext[1:]
			w.Header().Set("Retry-After", "0")
			problem(w, status, "unavailable", "try again", "")
			return
		}
		if !f.authenticated(r) {
			problem(w, http.StatusUnauthorized, "unauthenticated", "a valid bearer token is required", "")
			return
		}
		key := r.Header.Get("Idempotency-Key")
		if r.Method == http.MethodPost && key != "" {
			replayKey := r.URL.Path + "\x00" + key
			if reply, ok := f.idempotency[replayKey]; ok {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(reply.status)
				_, _ = w.Write(reply.body)
				return
			}
			recorder := httptest.NewRecorder()
			r.Body = http.NoBody
			mux.ServeHTTP(recorder, withBody(r, raw))
			if recorder.Code < 300 {
				f.idempotency[replayKey] = fakeReply{status: recorder.Code, body: recorder.Body.Bytes()}
			}
			for name, values := range recorder.Header() {
				w.Header()[name] = values
			}
			w.WriteHeader(recorder.Code)
			_, _ = w.Write(recorder.Body.Bytes())
			return
		}
		mux.ServeHTTP(w, withBody(r, raw))
	})
}

func withBody(r *http.Request, raw []byte) *http.Request {
	clone := r.Clone(r.Context())
	clone.Body = &readCloser{Reader: strings.NewReader(string(raw))}
	return clone
}

type readCloser struct{ *strings.Reader }

func (readCloser) Close() error { return nil }

func (f *fakeAPI) authenticated(r *http.Request) bool {
	secret := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	for _, token := range f.tokens {
		if token.secret == secret {
			return true
		}
	}
	return false
}

func (f *fakeAPI) getMe(w http.ResponseWriter, r *http.Request) {
	secret := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	for _, token := range f.tokens {
		if token.secret == secret {
			reply(w, http.StatusOK, client.Me{AccountId: "acc_fake", AccountName: "fake", TokenId: token.token.Id, Scopes: token.token.Scopes})
			return
		}
	}
}

func (f *fakeAPI) sourceByKey(key string) *client.Source {
	for _, source := range f.sources {
		if source.Id == key || source.Name == key {
			return source
		}
	}
	return nil
}

func (f *fakeAPI) createSource(w http.ResponseWriter, r *http.Request) {
	var body client.SourceCreate
	if !decode(w, r, &body) {
		return
	}
	if body.Password == nil {
		problem(w, http.StatusUnprocessableEntity, "validation_failed", "password is required", "password")
		return
	}
	if f.sourceByKey(body.Name) != nil {
		problem(w, http.StatusConflict, "name_taken", "a source named "+body.Name+" exists", "name")
		return
	}
	defaultName := "sluice_" + strings.NewReplacer("-", "_", ".", "_").Replace(strings.ToLower(body.Name))
	now := time.Now().UTC()
	source := &client.Source{
		Id:                newFakeID("src"),
		Name:              body.Name,
		Host:              body.Host,
		Port:              valueOr(body.Port, 5432),
		Database:          body.Database,
		Username:          body.Username,
		SslMode:           valueOr(body.SslMode, client.Prefer),
		PublicationName:   valueOr(body.PublicationName, defaultName),
		SlotName:          valueOr(body.SlotName, defaultName),
		ManagePublication: valueOr(body.ManagePublication, true),
		ManageSlot:        valueOr(body.ManageSlot, true),
		CreatedAt:         now,
		UpdatedAt:         now,
	}
	f.sources[source.Id] = source
	reply(w, http.StatusCreated, source)
}

func (f *fakeAPI) getSource(w http.ResponseWriter, r *http.Request) {
	if source := f.sourceByKey(r.PathValue("id")); source != nil {
		reply(w, http.StatusOK, source)
		return
	}
	notFound(w, "source")
}

func (f *fakeAPI) updateSource(w http.ResponseWriter, r *http.Request) {
	source := f.sourceByKey(r.PathValue("id"))
	if source == nil {
		notFound(w, "source")
		return
	}
	var body client.SourceUpdate
	if !decode(w, r, &body) {
		return
	}
	source.Name = valueOr(body.Name, source.Name)
	source.Host = valueOr(body.Host, source.Host)
	source.Port = valueOr(body.Port, source.Port)
	source.Username = valueOr(body.Username, source.Username)
	source.SslMode = valueOr(body.SslMode, source.SslMode)
	source.UpdatedAt = time.Now().UTC()
	reply(w, http.StatusOK, source)
}

func (f *fakeAPI) deleteSource(w http.ResponseWriter, r *http.Request) {
	source := f.sourceByKey(r.PathValue("id"))
	if source == nil {
		notFound(w, "source")
		return
	}
	for _, consumer := range f.consumers {
		if consumer.SourceId == source.Id {
			problem(w, http.StatusConflict, "source_in_use", "consumer "+consumer.Name+" uses the source", "")
			return
		}
	}
	delete(f.sources, source.Id)
	w.WriteHeader(http.StatusNoContent)
}

func (f *fakeAPI) listSourceTables(w http.ResponseWriter, r *http.Request) {
	if f.sourceByKey(r.PathValue("id")) == nil {
		notFound(w, "source")
		return
	}
	reply(w, http.StatusOK, client.SourceTableList{Data: []client.SourceTable{{
		Schema: "public", Name: testAccDemoTable, PrimaryKey: []string{"id"}, ReplicaIdentity: client.Default,
		Columns: []client.SourceColumn{
			{Name: "id", Type: "bigint", Nullable: false},
			{Name: "status", Type: "text", Nullable: false},
			{Name: "amount", Type: "numeric(12,2)", Nullable: true},
		},
	}}})
}

func (f *fakeAPI) endpointByKey(key string) *fakeEndpoint {
	for _, endpoint := range f.endpoints {
		if endpoint.endpoint.Id == key || endpoint.endpoint.Name == key {
			return endpoint
		}
	}
	return nil
}

func (f *fakeAPI) createEndpoint(w http.ResponseWriter, r *http.Request) {
	var body client.HttpEndpointCreate
	if !decode(w, r, &body) {
		return
	}
	if !strings.HasPrefix(body.Url, "http://") && !strings.HasPrefix(body.Url, "https://") {
		problem(w, http.StatusUnprocessableEntity, "validation_failed", "url must be an absolute http or https URL", "url")
		return
	}
	now := time.Now().UTC()
	endpoint := &fakeEndpoint{
		endpoint:      client.HttpEndpoint{Id: newFakeID("end"), Name: body.Name, Url: body.Url, Headers: valueOr(body.Headers, map[string]string{}), CreatedAt: now, UpdatedAt: now},
		secretHeaders: valueOr(body.SecretHeaders, map[string]string{}),
		signingSecret: valueOr(body.SigningSecret, ""),
	}
	f.endpoints[endpoint.endpoint.Id] = endpoint
	created := endpoint.view()
	if body.SigningSecret == nil {
		// As the API: a secret is generated when none is given, and shown in this answer only.
		key := make([]byte, 32)
		_, _ = rand.Read(key)
		endpoint.signingSecret = "whsec_" + base64.StdEncoding.EncodeToString(key)
		created = endpoint.view()
		created.SigningSecret = &endpoint.signingSecret
	}
	reply(w, http.StatusCreated, created)
}

func (e *fakeEndpoint) view() client.HttpEndpoint {
	view := e.endpoint
	view.SecretHeaderNames = []string{}
	for name := range e.secretHeaders {
		view.SecretHeaderNames = append(view.SecretHeaderNames, name)
	}
	sort.Strings(view.SecretHeaderNames)
	view.HasSigningSecret = e.signingSecret != ""
	return view
}

func (f *fakeAPI) getEndpoint(w http.ResponseWriter, r *http.Request) {
	if endpoint := f.endpointByKey(r.PathValue("id")); endpoint != nil {
		reply(w, http.StatusOK, endpoint.view())
		return
	}
	notFound(w, "HTTP endpoint")
}

func (f *fakeAPI) updateEndpoint(w http.ResponseWriter, r *http.Request) {
	endpoint := f.endpointByKey(r.PathValue("id"))
	if endpoint == nil {
		notFound(w, "HTTP endpoint")
		return
	}
	var body client.HttpEndpointUpdate
	if !decode(w, r, &body) {
		return
	}
	endpoint.endpoint.Name = valueOr(body.Name, endpoint.endpoint.Name)
	endpoint.endpoint.Url = valueOr(body.Url, endpoint.endpoint.Url)
	endpoint.endpoint.Headers = valueOr(body.Headers, endpoint.endpoint.Headers)
	endpoint.secretHeaders = valueOr(body.SecretHeaders, endpoint.secretHeaders)
	endpoint.signingSecret = valueOr(body.SigningSecret, endpoint.signingSecret)
	endpoint.endpoint.UpdatedAt = time.Now().UTC()
	reply(w, http.StatusOK, endpoint.view())
}

func (f *fakeAPI) deleteEndpoint(w http.ResponseWriter, r *http.Request) {
	endpoint := f.endpointByKey(r.PathValue("id"))
	if endpoint == nil {
		notFound(w, "HTTP endpoint")
		return
	}
	for _, consumer := range f.consumers {
		if consumer.EndpointId != nil && *consumer.EndpointId == endpoint.endpoint.Id {
			problem(w, http.StatusConflict, "endpoint_in_use", "consumer "+consumer.Name+" uses the endpoint", "")
			return
		}
	}
	delete(f.endpoints, endpoint.endpoint.Id)
	w.WriteHeader(http.StatusNoContent)
}

func (f *fakeAPI) consumerByKey(key string) *client.Consumer {
	for _, consumer := range f.consumers {
		if consumer.Id == key || consumer.Name == key {
			return consumer
		}
	}
	return nil
}

// fakeNormaliseFilter is the fake's own spelling of a filter: keywords in
// upper case, single spaces, in parentheses.
func fakeNormaliseFilter(filter string) string {
	words := strings.Fields(filter)
	for i, word := range words {
		switch strings.ToLower(word) {
		case "and", "or", "not", "in", "is", "null", "like", "between":
			words[i] = strings.ToUpper(word)
		}
	}
	return "(" + strings.Join(words, " ") + ")"
}

// fakeTables fills in defaults the way the server does: the public schema
// and the primary key as group columns.
func fakeTables(tables []client.TableSelection) []client.TableSelection {
	result := make([]client.TableSelection, 0, len(tables))
	for _, table := range tables {
		schemaName := valueOr(table.Schema, "public")
		groupColumns := valueOr(table.GroupColumns, []string{"id"})
		result = append(result, client.TableSelection{Schema: &schemaName, Table: table.Table, GroupColumns: &groupColumns})
	}
	return result
}

func (f *fakeAPI) createConsumer(w http.ResponseWriter, r *http.Request) {
	var body client.ConsumerCreate
	if !decode(w, r, &body) {
		return
	}
	source := f.sourceByKey(body.SourceId)
	if source == nil {
		problem(w, http.StatusUnprocessableEntity, "validation_failed", "no source "+body.SourceId, "source_id")
		return
	}
	for index, table := range body.Tables {
		if table.Table != testAccDemoTable && table.Table != readmeExampleTable {
			problem(w, http.StatusUnprocessableEntity, "table_not_found", "no table "+table.Table, fmt.Sprintf("tables[%d].table", index))
			return
		}
	}
	if f.consumerByKey(body.Name) != nil {
		problem(w, http.StatusConflict, "name_taken", "a consumer named "+body.Name+" exists", "name")
		return
	}
	now := time.Now().UTC()
	consumer := &client.Consumer{
		Id:                       newFakeID("con"),
		Name:                     body.Name,
		SourceId:                 source.Id,
		Kind:                     body.Kind,
		Tables:                   fakeTables(body.Tables),
		Actions:                  valueOr(body.Actions, []client.Action{client.ActionInsert, client.ActionUpdate, client.ActionDelete}),
		Path:                     body.Path,
		Transform:                body.Transform,
		BatchSize:                valueOr(body.BatchSize, 1),
		VisibilityTimeoutSeconds: valueOr(body.VisibilityTimeoutSeconds, 30),
		MaxAckPending:            valueOr(body.MaxAckPending, 1000),
		MaxDeliver:               valueOr(body.MaxDeliver, 10),
		Start:                    valueOr(body.Start, client.StartPosition{At: client.Beginning}),
		Status:                   valueOr(body.Status, client.ConsumerStateActive),
		CreatedAt:                now,
		UpdatedAt:                now,
	}
	if body.Filter != nil {
		filter := fakeNormaliseFilter(*body.Filter)
		consumer.Filter = &filter
	}
	if body.EndpointId != nil {
		endpoint := f.endpointByKey(*body.EndpointId)
		if endpoint == nil {
			problem(w, http.StatusUnprocessableEntity, "validation_failed", "no HTTP endpoint "+*body.EndpointId, "endpoint_id")
			return
		}
		consumer.EndpointId = &endpoint.endpoint.Id
	}
	f.consumers[consumer.Id] = consumer
	reply(w, http.StatusCreated, consumer)
}

func (f *fakeAPI) getConsumer(w http.ResponseWriter, r *http.Request) {
	if consumer := f.consumerByKey(r.PathValue("id")); consumer != nil {
		reply(w, http.StatusOK, consumer)
		return
	}
	notFound(w, "consumer")
}

func (f *fakeAPI) updateConsumer(w http.ResponseWriter, r *http.Request) {
	consumer := f.consumerByKey(r.PathValue("id"))
	if consumer == nil {
		notFound(w, "consumer")
		return
	}
	var body client.ConsumerUpdate
	if !decode(w, r, &body) {
		return
	}
	consumer.Name = valueOr(body.Name, consumer.Name)
	if body.Tables != nil {
		consumer.Tables = fakeTables(*body.Tables)
	}
	consumer.Actions = valueOr(body.Actions, consumer.Actions)
	if body.Filter != nil {
		consumer.Filter = nil
		if *body.Filter != "" {
			filter := fakeNormaliseFilter(*body.Filter)
			consumer.Filter = &filter
		}
	}
	if body.Transform != nil {
		consumer.Transform = emptyToNil(*body.Transform)
	}
	if body.Path != nil {
		consumer.Path = emptyToNil(*body.Path)
	}
	if body.EndpointId != nil {
		consumer.EndpointId = nil
		if *body.EndpointId != "" {
			endpoint := f.endpointByKey(*body.EndpointId)
			if endpoint == nil {
				problem(w, http.StatusUnprocessableEntity, "validation_failed", "no HTTP endpoint "+*body.EndpointId, "endpoint_id")
				return
			}
			consumer.EndpointId = &endpoint.endpoint.Id
		}
	}
	consumer.BatchSize = valueOr(body.BatchSize, consumer.BatchSize)
	consumer.VisibilityTimeoutSeconds = valueOr(body.VisibilityTimeoutSeconds, consumer.VisibilityTimeoutSeconds)
	consumer.MaxAckPending = valueOr(body.MaxAckPending, consumer.MaxAckPending)
	consumer.MaxDeliver = valueOr(body.MaxDeliver, consumer.MaxDeliver)
	consumer.Status = valueOr(body.Status, consumer.Status)
	consumer.UpdatedAt = time.Now().UTC()
	reply(w, http.StatusOK, consumer)
}

func (f *fakeAPI) deleteConsumer(w http.ResponseWriter, r *http.Request) {
	consumer := f.consumerByKey(r.PathValue("id"))
	if consumer == nil {
		notFound(w, "consumer")
		return
	}
	delete(f.consumers, consumer.Id)
	w.WriteHeader(http.StatusNoContent)
}

func (f *fakeAPI) tokenByKey(key string) *fakeToken {
	for _, token := range f.tokens {
		if token.token.Id == key || token.token.Name == key {
			return token
		}
	}
	return nil
}

func (f *fakeAPI) createToken(w http.ResponseWriter, r *http.Request) {
	var body client.ApiTokenCreate
	if !decode(w, r, &body) {
		return
	}
	secret := "sluice_" + randomHex(16)
	prefix := secret[:12]
	token := &fakeToken{
		token:  client.ApiToken{Id: newFakeID("tok"), Name: body.Name, Scopes: body.Scopes, Prefix: &prefix, CreatedAt: time.Now().UTC()},
		secret: secret,
	}
	f.tokens[token.token.Id] = token
	reply(w, http.StatusCreated, client.ApiTokenCreated{
		Id: token.token.Id, Name: token.token.Name, Scopes: token.token.Scopes, Prefix: &prefix, CreatedAt: token.token.CreatedAt, Secret: secret,
	})
}

func (f *fakeAPI) getToken(w http.ResponseWriter, r *http.Request) {
	if token := f.tokenByKey(r.PathValue("id")); token != nil {
		reply(w, http.StatusOK, token.token)
		return
	}
	notFound(w, "token")
}

func (f *fakeAPI) revokeToken(w http.ResponseWriter, r *http.Request) {
	token := f.tokenByKey(r.PathValue("id"))
	if token == nil {
		notFound(w, "token")
		return
	}
	delete(f.tokens, token.token.Id)
	w.WriteHeader(http.StatusNoContent)
}

// requestsTo returns the requests received for method and path.
func (f *fakeAPI) requestsTo(method, path string) []fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	var matching []fakeRequest
	for _, request := range f.requests {
		if request.Method == method && request.Path == path {
			matching = append(matching, request)
		}
	}
	return matching
}

func decode(w http.ResponseWriter, r *http.Request, into any) bool {
	decoder := json.NewDecoder(r.Body)
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(into); err != nil {
		problem(w, http.StatusBadRequest, "malformed_request", err.Error(), "")
		return false
	}
	return true
}

func reply(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func notFound(w http.ResponseWriter, what string) {
	problem(w, http.StatusNotFound, "not_found", "no such "+what, "")
}

func problem(w http.ResponseWriter, status int, code, detail, field string) {
	body := client.Problem{Type: "https://sluice.dev/problems/" + code, Title: http.StatusText(status), Status: status, Code: code, Detail: &detail}
	if field != "" {
		body.Field = &field
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func valueOr[T any](value *T, fallback T) T {
	if value == nil {
		return fallback
	}
	return *value
}

func emptyToNil(text string) *string {
	if text == "" {
		return nil
	}
	return &text
}

func newFakeID(prefix string) string {
	return prefix + "_" + randomHex(13)
}

func randomHex(bytes int) string {
	buf := make([]byte, bytes)
	_, _ = rand.Read(buf)
	return hex.EncodeToString(buf)
}
