package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/jackc/pgx/v5"

	"github.com/sluice-dev/terraform-provider-sluice/internal/client"
)

// Acceptance tests run the real terraform CLI against a real Sluice: the dev
// server of ../server/target/sluice.jar (`sluice dev`: both planes and an
// embedded Postgres, which doubles as the demo source database). The first
// acceptance test starts it; TestMain stops it.
//
// Environment:
//   - TF_ACC=1 runs them (terraform-plugin-testing's switch).
//   - TF_ACC_TERRAFORM_PATH names the terraform binary; when it is unset the
//     harness sets it to what scripts/terraform.sh prints, so that nothing is
//     downloaded.
//   - SLUICE_JAR overrides the jar's path.
//   - SLUICE_DEV_JSON names the dev.json of a dev server you started
//     yourself; then none is started.
//   - SLUICE_ACC_FAKE=1 runs them against the in-process fake API
//     (fake_api_test.go) instead: a quick check of the provider's own logic
//     with the real terraform CLI, no substitute for the real server.

const (
	devServerStartTimeout = 3 * time.Minute
	devServerStopTimeout  = 30 * time.Second
)

// testAccProtoV6ProviderFactories serves the provider in-process to the
// terraform CLI that terraform-plugin-testing runs (reattach: nothing is
// installed or downloaded).
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"sluice": NewProtocol6Server("test"),
}

// devEnvironment is the dev server's dev.json.
type devEnvironment struct {
	BaseURL       string       `json:"base_url"`
	Token         string       `json:"token"`
	OperatorToken string       `json:"operator_token"`
	DemoDatabase  demoDatabase `json:"demo_database"`
}

type demoDatabase struct {
	Host     string `json:"host"`
	Port     int    `json:"port"`
	Database string `json:"database"`
	Username string `json:"username"`
	Password string `json:"password"`
}

func (d demoDatabase) connectionString() string {
	return fmt.Sprintf("host=%s port=%d dbname=%s user=%s password=%s sslmode=disable",
		d.Host, d.Port, d.Database, d.Username, d.Password)
}

var devServer struct {
	once        sync.Once
	environment *devEnvironment
	err         error
	process     *exec.Cmd
	exited      chan struct{}
	dataDir     string
	logPath     string
	stopFake    func()
}

func testAccUsesFake() bool {
	return os.Getenv("SLUICE_ACC_FAKE") != ""
}

func TestMain(m *testing.M) {
	code := m.Run()
	stopDevServer(code == 0)
	os.Exit(code)
}

// testAccPreCheck starts (once) the dev server and returns its environment.
// Without TF_ACC it skips the test; with TF_ACC and no server jar it fails.
func testAccPreCheck(t *testing.T) *devEnvironment {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skipf("acceptance test skipped: set TF_ACC=1 to run it against the dev server of %s (%s)", serverJarPath(), jarState())
	}
	devServer.once.Do(func() {
		if devServer.err = useLocalTerraform(); devServer.err != nil {
			return
		}
		devServer.environment, devServer.err = startDevServer()
	})
	if devServer.err != nil {
		t.Fatalf("cannot start the Sluice dev server: %v", devServer.err)
	}
	return devServer.environment
}

// useLocalTerraform sets TF_ACC_TERRAFORM_PATH, when unset, to the CLI that
// scripts/terraform.sh finds or builds: without it terraform-plugin-testing
// would download one when none is on PATH.
func useLocalTerraform() error {
	if os.Getenv("TF_ACC_TERRAFORM_PATH") != "" {
		return nil
	}
	script, err := filepath.Abs(filepath.Join("..", "..", "scripts", "terraform.sh"))
	if err != nil {
		return err
	}
	command := exec.Command(script)
	command.Stderr = os.Stderr
	output, err := command.Output()
	if err != nil {
		return fmt.Errorf("finding a terraform CLI with %s: %w", script, err)
	}
	return os.Setenv("TF_ACC_TERRAFORM_PATH", strings.TrimSpace(string(output)))
}

func serverJarPath() string {
	if jar := os.Getenv("SLUICE_JAR"); jar != "" {
		return jar
	}
	jar, err := filepath.Abs(filepath.Join("..", "..", "..", "server", "target", "sluice.jar"))
	if err != nil {
		return filepath.Join("..", "..", "..", "server", "target", "sluice.jar")
	}
	return jar
}

func jarState() string {
	if _, err := os.Stat(serverJarPath()); err != nil {
		return "missing: build it with the Maven build first"
	}
	return "present"
}

func startDevServer() (*devEnvironment, error) {
	if testAccUsesFake() {
		server := newFakeAPI().start()
		devServer.stopFake = server.Close
		return &devEnvironment{
			BaseURL: server.URL,
			Token:   fakeManageToken,
			DemoDatabase: demoDatabase{
				Host: "127.0.0.1", Port: 5432, Database: "demo", Username: "demo", Password: "demo-password",
			},
		}, nil
	}
	if devJSON := os.Getenv("SLUICE_DEV_JSON"); devJSON != "" {
		environment, err := readDevJSON(devJSON)
		if err != nil {
			return nil, fmt.Errorf("SLUICE_DEV_JSON=%s: %w", devJSON, err)
		}
		return environment, waitForAPI(environment, time.Now().Add(devServerStartTimeout))
	}
	jar := serverJarPath()
	if _, err := os.Stat(jar); err != nil {
		return nil, fmt.Errorf("TF_ACC is set but the server jar %s is missing (build it with the Maven build, or set SLUICE_JAR or SLUICE_DEV_JSON): %w", jar, err)
	}
	java := "java"
	if javaHome := os.Getenv("JAVA_HOME"); javaHome != "" {
		java = filepath.Join(javaHome, "bin", "java")
	}
	dataDir, err := os.MkdirTemp("", "sluice-tf-acc-")
	if err != nil {
		return nil, err
	}
	devServer.dataDir = dataDir
	devServer.logPath = filepath.Join(dataDir, "server.log")
	logFile, err := os.Create(devServer.logPath)
	if err != nil {
		return nil, err
	}
	process := exec.Command(java, "-jar", jar, "dev", "--data-dir", dataDir, "--port", "0")
	process.Stdout = logFile
	process.Stderr = logFile
	// Its own process group, so that stopping it also stops what it started
	// (the embedded Postgres) and nothing else.
	process.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := process.Start(); err != nil {
		_ = logFile.Close()
		return nil, fmt.Errorf("starting %s: %w", process.String(), err)
	}
	devServer.process = process
	devServer.exited = make(chan struct{})
	go func() {
		_ = process.Wait()
		_ = logFile.Close()
		close(devServer.exited)
	}()

	deadline := time.Now().Add(devServerStartTimeout)
	devJSON := filepath.Join(dataDir, "dev.json")
	for {
		environment, readErr := readDevJSON(devJSON)
		if readErr == nil {
			return environment, waitForAPI(environment, deadline)
		}
		select {
		case <-devServer.exited:
			return nil, fmt.Errorf("the dev server exited before writing %s; its log is %s", devJSON, devServer.logPath)
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("no usable %s after %s (%v); the server log is %s", devJSON, devServerStartTimeout, readErr, devServer.logPath)
		}
	}
}

// readDevJSON reads dev.json; a file still being written fails to parse and
// is read again by the caller.
func readDevJSON(file string) (*devEnvironment, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var environment devEnvironment
	if err := json.Unmarshal(raw, &environment); err != nil {
		return nil, err
	}
	if environment.BaseURL == "" || environment.Token == "" {
		return nil, errors.New("dev.json lacks base_url or token")
	}
	return &environment, nil
}

// waitForAPI waits until the API answers GET /v1/me with the manage token.
// A server that answers, but not with 200, gets a short grace period (it may
// still be preparing the dev account) and then counts as broken.
func waitForAPI(environment *devEnvironment, deadline time.Time) error {
	const grace = 15 * time.Second
	httpClient := &http.Client{Timeout: 5 * time.Second}
	var lastErr error
	var failingSince time.Time
	for time.Now().Before(deadline) {
		request, err := http.NewRequest(http.MethodGet, environment.BaseURL+"/v1/me", nil)
		if err != nil {
			return err
		}
		request.Header.Set("Authorization", "Bearer "+environment.Token)
		response, err := httpClient.Do(request)
		if err == nil {
			body, _ := io.ReadAll(io.LimitReader(response.Body, 2048))
			_ = response.Body.Close()
			if response.StatusCode == http.StatusOK {
				return nil
			}
			lastErr = fmt.Errorf("GET /v1/me: %s: %s", response.Status, body)
			if failingSince.IsZero() {
				failingSince = time.Now()
			} else if time.Since(failingSince) > grace {
				return fmt.Errorf("the API at %s answers, but not as expected: %v", environment.BaseURL, lastErr)
			}
		} else {
			lastErr = err
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("the API at %s did not answer in time: %v", environment.BaseURL, lastErr)
}

// stopDevServer stops the dev server the tests started, with everything it
// started, and removes its data directory unless a test failed (then its log
// is worth reading).
func stopDevServer(passed bool) {
	if devServer.stopFake != nil {
		devServer.stopFake()
	}
	if devServer.process == nil || devServer.process.Process == nil {
		return
	}
	processGroup := -devServer.process.Process.Pid
	_ = syscall.Kill(processGroup, syscall.SIGTERM)
	select {
	case <-devServer.exited:
	case <-time.After(devServerStopTimeout):
		_ = syscall.Kill(processGroup, syscall.SIGKILL)
		<-devServer.exited
	}
	if passed {
		_ = os.RemoveAll(devServer.dataDir)
	} else {
		fmt.Fprintf(os.Stderr, "the dev server's data and log are kept in %s\n", devServer.dataDir)
	}
}

// testAccAPI is a client of the dev server for the tests' own calls
// (changes behind Terraform's back, destroy checks).
func testAccAPI(t *testing.T, environment *devEnvironment) *client.ClientWithResponses {
	t.Helper()
	api, err := newAPIClient(environment.BaseURL, environment.Token, "terraform-provider-sluice-tests", nil)
	if err != nil {
		t.Fatal(err)
	}
	return api.api
}

// testAccProviderConfig is the provider block pointing at the dev server.
func testAccProviderConfig(environment *devEnvironment) string {
	return fmt.Sprintf(`
provider "sluice" {
  endpoint = %q
  token    = %q
}
`, environment.BaseURL, environment.Token)
}

// testAccSourceConfig is a sluice_source resource for the demo database.
func testAccSourceConfig(resourceName, name string, database demoDatabase) string {
	return fmt.Sprintf(`
resource "sluice_source" %q {
  name     = %q
  host     = %q
  port     = %d
  database = %q
  username = %q
  password = %q
  ssl_mode = "disable"
}
`, resourceName, name, database.Host, database.Port, database.Database, database.Username, database.Password)
}

// testAccCreateDemoTable makes sure the demo database has the table the
// consumer tests stream, with a primary key.
func testAccCreateDemoTable(t *testing.T, database demoDatabase, table string) {
	t.Helper()
	if testAccUsesFake() {
		return // the fake lists this table for every source
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	connection, err := pgx.Connect(ctx, database.connectionString())
	if err != nil {
		t.Fatalf("connecting to the demo database: %v", err)
	}
	defer func() { _ = connection.Close(context.Background()) }()
	statement := fmt.Sprintf(`CREATE TABLE IF NOT EXISTS public.%s (
  id bigint PRIMARY KEY,
  status text NOT NULL,
  amount numeric(12, 2)
)`, pgx.Identifier{table}.Sanitize())
	if _, err := connection.Exec(ctx, statement); err != nil {
		t.Fatalf("creating the demo table %s: %v", table, err)
	}
}

// testAccCheckGone is a CheckDestroy: every resource of resourceType left in
// the state must answer 404.
func testAccCheckGone(t *testing.T, environment *devEnvironment, resourceType string,
	get func(ctx context.Context, api *client.ClientWithResponses, id string) (any, error)) func(*terraform.State) error {
	return func(state *terraform.State) error {
		api := testAccAPI(t, environment)
		for _, resourceState := range state.RootModule().Resources {
			if resourceState.Type != resourceType {
				continue
			}
			id := resourceState.Primary.ID
			result, err := get(context.Background(), api, id)
			err = checkResponse("read "+resourceType+" "+id, result, err, http.StatusNotFound)
			if err != nil {
				return fmt.Errorf("%s %s still exists after destroy (or cannot be read): %w", resourceType, id, err)
			}
		}
		return nil
	}
}

// testAccIDFrom returns the id of resourceName in the state, through a
// pointer filled in by the returned check, for later steps' PreConfig.
func testAccIDFrom(resourceName string, id *string) func(*terraform.State) error {
	return func(state *terraform.State) error {
		resourceState, ok := state.RootModule().Resources[resourceName]
		if !ok {
			return fmt.Errorf("%s is not in the state", resourceName)
		}
		*id = resourceState.Primary.ID
		return nil
	}
}

// testAccDeleteOutsideTerraform deletes a resource through the API, as
// someone else would, and fails the test when the API does not.
func testAccDeleteOutsideTerraform(t *testing.T, what string, del func() (any, error)) {
	t.Helper()
	result, err := del()
	if err = checkResponse("delete "+what, result, err, http.StatusNoContent); err != nil {
		t.Fatalf("deleting %s outside Terraform: %v", what, err)
	}
}
