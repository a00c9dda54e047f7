package provider

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sluice-dev/terraform-provider-sluice/internal/client"
)

// apiClient is what the provider hands to its resources and data sources:
// the generated client, already pointed at the endpoint, authenticated and
// wrapped in retries.
type apiClient struct {
	api      *client.ClientWithResponses
	retrying *retryingDoer
}

// newAPIClient builds a client for the Sluice API at endpoint, authenticating
// every request with token.
func newAPIClient(endpoint, token, userAgent string, httpClient *http.Client) (*apiClient, error) {
	if httpClient == nil {
		httpClient = &http.Client{Timeout: 60 * time.Second}
	}
	doer := newRetryingDoer(httpClient)
	api, err := client.NewClientWithResponses(
		strings.TrimRight(endpoint, "/"),
		client.WithHTTPClient(doer),
		client.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("User-Agent", userAgent)
			req.Header.Set("Accept", "application/json, application/problem+json")
			return nil
		}),
	)
	if err != nil {
		return nil, err
	}
	return &apiClient{api: api, retrying: doer}, nil
}

// newIdempotencyKey returns a fresh key for one create call. The retrying
// doer resends the same request, so the client's own retries reuse it and a
// create that timed out after the server committed it is not made twice.
func newIdempotencyKey() *string {
	buf := make([]byte, 16)
	if _, err := rand.Read(buf); err != nil {
		panic(fmt.Sprintf("reading random bytes: %v", err))
	}
	key := "tf-" + hex.EncodeToString(buf)
	return &key
}

// apiError is a non-2xx answer of the API, with its problem document when
// the server sent one.
type apiError struct {
	Operation  string
	StatusCode int
	Problem    *client.Problem
	Body       string
}

func (e *apiError) Error() string {
	if e.Problem != nil {
		message := e.Problem.Title
		if e.Problem.Detail != nil && *e.Problem.Detail != "" {
			message = *e.Problem.Detail
		}
		text := fmt.Sprintf("%s: HTTP %d %s: %s", e.Operation, e.StatusCode, e.Problem.Code, message)
		if e.Problem.ErrorId != nil && *e.Problem.ErrorId != "" {
			text += fmt.Sprintf(" (error id %s)", *e.Problem.ErrorId)
		}
		return text
	}
	body := strings.TrimSpace(e.Body)
	if len(body) > 500 {
		body = body[:500] + "…"
	}
	if body == "" {
		return fmt.Sprintf("%s: HTTP %d", e.Operation, e.StatusCode)
	}
	return fmt.Sprintf("%s: HTTP %d: %s", e.Operation, e.StatusCode, body)
}

// checkResponse turns the outcome of one generated-client call (its
// *XxxResponse and error) into an error: the transport error if there was
// one, an *apiError for any status but want, and nil otherwise.
func checkResponse(operation string, result any, err error, want int) error {
	if err != nil {
		return fmt.Errorf("%s: %w", operation, err)
	}
	httpResponse, body, problem := responseParts(result)
	if httpResponse == nil {
		return fmt.Errorf("%s: no response", operation)
	}
	if httpResponse.StatusCode == want {
		return nil
	}
	return &apiError{Operation: operation, StatusCode: httpResponse.StatusCode, Problem: problem, Body: string(body)}
}

// responseParts reads the fields every generated *XxxResponse has: the HTTP
// response, its body and, for an error, the problem document.
func responseParts(result any) (*http.Response, []byte, *client.Problem) {
	value := reflect.ValueOf(result)
	if !value.IsValid() || value.Kind() != reflect.Pointer || value.IsNil() {
		return nil, nil, nil
	}
	value = value.Elem()
	var httpResponse *http.Response
	var body []byte
	var problem *client.Problem
	if field := value.FieldByName("HTTPResponse"); field.IsValid() {
		httpResponse, _ = field.Interface().(*http.Response)
	}
	if field := value.FieldByName("Body"); field.IsValid() {
		body, _ = field.Interface().([]byte)
	}
	if field := value.FieldByName("ApplicationproblemJSONDefault"); field.IsValid() {
		problem, _ = field.Interface().(*client.Problem)
	}
	if problem == nil && len(body) > 0 && httpResponse != nil && httpResponse.StatusCode >= 400 {
		// A problem sent with a plain JSON content type still says what went wrong.
		var parsed client.Problem
		if json.Unmarshal(body, &parsed) == nil && parsed.Code != "" {
			problem = &parsed
		}
	}
	return httpResponse, body, problem
}

// isNotFound tells whether err is the API saying the resource does not exist
// (deleted, or never visible to this account).
func isNotFound(err error) bool {
	return hasStatus(err, http.StatusNotFound)
}

func hasStatus(err error, status int) bool {
	var apiErr *apiError
	return errors.As(err, &apiErr) && apiErr.StatusCode == status
}

// deleteWithRetryOnConflict runs a delete, retrying while the API refuses it
// with 409 Conflict: a source or endpoint stays "in use" for a moment after
// the consumers that used it were deleted in the same apply. A 404 counts as
// deleted.
func deleteWithRetryOnConflict(ctx context.Context, timeout time.Duration, del func() error) error {
	deadline := time.Now().Add(timeout)
	wait := 500 * time.Millisecond
	for {
		err := del()
		if err == nil || isNotFound(err) {
			return nil
		}
		if !hasStatus(err, http.StatusConflict) || time.Now().Add(wait).After(deadline) {
			return err
		}
		tflog.Debug(ctx, "delete refused while in use; retrying", map[string]any{"error": err.Error(), "wait": wait.String()})
		if sleepErr := sleepContext(ctx, wait); sleepErr != nil {
			return err
		}
		wait = min(wait*2, 5*time.Second)
	}
}

func sleepContext(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
