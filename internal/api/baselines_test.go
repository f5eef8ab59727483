package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/auth"
)

// TestBaselinesOverAPI: Debian's default sshd_config imported as a
// snapshot of a host opens findings for the rules it fails, the host's
// compliance shows the latest results rule by rule, a hardened snapshot
// shows drift the other way, and bad files are refused naming file and
// line, in the caller's language.
func TestBaselinesOverAPI(t *testing.T) {
	f := newFixture(t)
	f.ssrfFixture(t)
	analyst, owner, auditor := f.tokens[auth.Analyst], f.tokens[auth.Owner], f.tokens[auth.Auditor]
	var list []struct {
		ID    string `json:"id"`
		Rules int    `json:"rules"`
	}
	if code, body := f.call(t, http.MethodGet, "/api/v1/baselines", auditor, "", &list); code != http.StatusOK || len(list) != 3 {
		t.Fatalf("baselines: %d %.300s", code, body)
	}
	if code, body := f.call(t, http.MethodGet, "/api/v1/baselines/openssh-server", auditor, "", nil); code != http.StatusOK ||
		!strings.Contains(body, `"url":"https://infosec.mozilla.org/guidelines/openssh"`) {
		t.Errorf("baseline: %d %.300s", code, body)
	}
	if code, _ := f.call(t, http.MethodGet, "/api/v1/baselines/cis", auditor, "", nil); code != http.StatusNotFound {
		t.Errorf("no such baseline: %d", code)
	}
	sshd, err := os.ReadFile("../baseline/testdata/debian12/sshd_config")
	if err != nil {
		t.Fatal(err)
	}
	upload := func(files ...string) string {
		type file struct {
			Name    string `json:"name"`
			Content string `json:"content"`
		}
		var fs []file
		for i := 0; i < len(files); i += 2 {
			fs = append(fs, file{files[i], files[i+1]})
		}
		b, _ := json.Marshal(map[string]any{"baselines": []string{"openssh-server"}, "files": fs})
		return string(b)
	}
	path := "/api/v1/assets/airflow-prod/snapshots"
	if code, _ := f.call(t, http.MethodPost, path, auditor, upload("sshd_config", string(sshd)), nil); code != http.StatusForbidden {
		t.Errorf("an auditor importing: %d", code)
	}
	var out struct {
		Snapshot struct {
			ID int64 `json:"id"`
		} `json:"snapshot"`
		Findings struct {
			Opened int `json:"opened"`
		} `json:"findings"`
		Changed []struct {
			Vuln    string `json:"vuln"`
			Package string `json:"package"`
		} `json:"changed"`
	}
	code, body := f.call(t, http.MethodPost, path, analyst, upload("sshd_config", string(sshd)), &out)
	if code != http.StatusCreated || out.Findings.Opened != 3 || out.Changed[0].Vuln != "BASELINE-openssh-server-SSH-01" || out.Changed[0].Package != "sshd:PermitRootLogin" {
		t.Fatalf("import: %d %.500s", code, body)
	}
	// Hardened by a drop-in: the three rules pass again.
	code, body = f.call(t, http.MethodPost, path, analyst, upload("sshd_config", string(sshd),
		"sshd_config.d/00-hardening.conf", "PermitRootLogin no\nPasswordAuthentication no\nX11Forwarding no\n"), &out)
	if code != http.StatusCreated || len(out.Changed) != 3 || !strings.Contains(body, `"state":"verified"`) {
		t.Fatalf("hardened: %d %.500s", code, body)
	}
	var comp struct {
		History []struct {
			Compliance float64 `json:"compliance"`
			Changes    []struct {
				Rule, From, To string
			} `json:"changes"`
		} `json:"history"`
		Latest []struct {
			Baseline string `json:"baseline"`
			Results  []struct {
				Rule, Status, Expected, Actual string
			} `json:"results"`
		} `json:"latest"`
	}
	code, body = f.call(t, http.MethodGet, "/api/v1/assets/airflow-prod/compliance", auditor, "", &comp)
	if code != http.StatusOK || len(comp.History) != 2 || comp.History[0].Compliance != 44.4 || comp.History[1].Compliance != 77.8 ||
		len(comp.History[1].Changes) != 3 || len(comp.Latest) != 1 || comp.Latest[0].Results[0].Status != "pass" {
		t.Errorf("compliance: %d %.800s", code, body)
	}
	if code, _ := f.call(t, http.MethodGet, fmt.Sprintf("/api/v1/assets/ml-api/snapshots/%d", out.Snapshot.ID), auditor, "", nil); code != http.StatusNotFound {
		t.Errorf("another asset's snapshot: %d", code)
	}
	if code, _ := f.call(t, http.MethodGet, "/api/v1/assets/airflow-prod/compliance", owner, "", nil); code != http.StatusNotFound {
		t.Errorf("another team's host: %d", code)
	}
	// Bad input: 422 naming the file and line, explained in Chinese.
	code, body = f.call(t, http.MethodPost, path, analyst, upload("sshd_config", "Port 22\nPermitRootLogin\n"), nil, "Accept-Language", "zh-CN")
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "无法读取配置文件") || !strings.Contains(body, "sshd_config:2: PermitRootLogin: syntax error: missing argument") {
		t.Errorf("bad sshd_config: %d %.400s", code, body)
	}
	if code, body := f.call(t, http.MethodPost, path, analyst, `{"baselines":["cis"],"files":[{"name":"x","content":"y"}]}`, nil); code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, `baselines[0]: no baseline \"cis\"`) {
		t.Errorf("unknown baseline: %d %.300s", code, body)
	}
}

// The baseline routes' access rules, added to TestEveryRouteEveryRole's
// here rather than in its table, whose alignment a longer key would
// reflow.
func init() {
	for k, v := range map[string]string{
		"GET /api/v1/baselines":                    string(auth.AssetRead),
		"GET /api/v1/baselines/{id}":               string(auth.AssetRead),
		"POST /api/v1/assets/{name}/snapshots":     string(auth.ImportWrite),
		"GET /api/v1/assets/{name}/snapshots":      string(auth.AssetRead),
		"GET /api/v1/assets/{name}/snapshots/{id}": string(auth.AssetRead),
		"GET /api/v1/assets/{name}/compliance":     string(auth.AssetRead),
	} {
		rules[k] = v
	}
}
