package api_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/auth"
)

// A host's snapshot and integrity verification over the API: the owner
// of the host's team records and verifies it; another team's owner does
// not see it; an auditor reads but does not write; bad input is a 422
// naming the file, line and field, in the caller's language.
func TestTrust(t *testing.T) {
	f := newFixture(t)
	open := f.ginAssets(t)
	open("plc-gw-01", "payments")
	open("hr-app", "hr")
	getcap, err := os.ReadFile(filepath.Join("..", "trust", "testdata", "getcap-nuvoton-npct75x.txt"))
	if err != nil {
		t.Fatal(err)
	}
	file := func(name, content string) map[string]string {
		return map[string]string{"name": name, "content": content}
	}
	body := func(v any) string {
		b, _ := json.Marshal(v)
		return string(b)
	}
	snapshot := body(map[string]any{"files": []any{file("getcap.txt", string(getcap)), file("sb.txt", "SecureBoot disabled\n"),
		file("host.json", `{"controls": ["jump host only"]}`)}})
	owner := f.tokens[auth.Owner]
	for _, tc := range []struct {
		role auth.Role
		path string
		code int
	}{
		{auth.Auditor, "/api/v1/trust/postures/plc-gw-01/snapshot", http.StatusForbidden},
		{auth.Owner, "/api/v1/trust/postures/hr-app/snapshot", http.StatusNotFound},
		{auth.Owner, "/api/v1/trust/postures/new-host/snapshot", http.StatusForbidden},
	} {
		if code, b := f.do(t, nil, http.MethodPost, tc.path, f.tokens[tc.role], snapshot); code != tc.code {
			t.Errorf("%s %s: %d %.300s, want %d", tc.role, tc.path, code, b, tc.code)
		}
	}
	code, b := f.do(t, nil, http.MethodPost, "/api/v1/trust/postures/plc-gw-01/snapshot", owner, snapshot)
	if code != http.StatusOK || !strings.Contains(b, `"root":"tpm2"`) || !strings.Contains(b, `"gaps":["secure-boot-off","measured-boot-unknown"]`) ||
		!strings.Contains(b, `"purl":"pkg:generic/ntc-npct75xrls-tpm2-firmware@7.2.1.0"`) {
		t.Fatalf("snapshot: %d %.600s", code, b)
	}
	if code, b := f.do(t, nil, http.MethodGet, "/api/v1/trust/gaps", f.tokens[auth.Auditor], ""); code != 200 ||
		!strings.Contains(b, `"controls":["jump host only"]`) || !strings.Contains(b, `"hosts":1`) {
		t.Errorf("gaps: %d %.400s", code, b)
	}
	if code, b := f.do(t, nil, http.MethodGet, "/api/v1/trust/postures", owner, ""); code != 200 || !strings.Contains(b, "plc-gw-01") {
		t.Errorf("owner's postures: %d %.300s", code, b)
	}

	list := "10 f862e47f3a3129d8e9f8bd76bcf2819b525a7db5 ima-ng sha256:ae2332f9495fec8aec1aaed204c423d6e2010c0ab58dcae393f62386cd7b545c /usr/bin/bash\n" +
		"10 f208b2deea7af1a897e1025313f183ceff8e79ae ima-ng sha256:8d979976ef177383cb8281d4cd11b8158376552e1de25de0abefad0d73c45281 /dev/shm/.x/kworkerd\n"
	manifest := "sha256 ae2332f9495fec8aec1aaed204c423d6e2010c0ab58dcae393f62386cd7b545c /usr/bin/bash\n"
	verify := body(map[string]any{"list": file("ima.txt", list), "manifest": file("manifest.txt", manifest)})
	if code, b := f.do(t, nil, http.MethodPost, "/api/v1/trust/postures/plc-gw-01/verifications", f.tokens[auth.Auditor], verify); code != http.StatusForbidden {
		t.Errorf("auditor verifies: %d %.300s", code, b)
	}
	code, b = f.do(t, nil, http.MethodPost, "/api/v1/trust/postures/plc-gw-01/verifications", owner, verify)
	if code != 200 || !strings.Contains(b, `"opened":1`) || !strings.Contains(b, `"kind":"unknown-binary"`) {
		t.Fatalf("verify: %d %.600s", code, b)
	}
	if code, b := f.do(t, nil, http.MethodGet, "/api/v1/trust/postures/plc-gw-01", owner, ""); code != 200 || !strings.Contains(b, `"verifications":[{"id":1`) {
		t.Errorf("posture: %d %.400s", code, b)
	}
	bad := body(map[string]any{"list": file("ima.txt", "10 abc ima-ng sha256:00 /x\n"), "manifest": file("manifest.txt", manifest)})
	code, b = f.do(t, nil, http.MethodPost, "/api/v1/trust/postures/plc-gw-01/verifications", owner, bad, "Accept-Language", "zh-CN")
	if code != http.StatusUnprocessableEntity || !strings.Contains(b, `ima.txt:1: template-hash`) || !strings.Contains(b, "可信快照") {
		t.Errorf("bad list: %d %.400s", code, b)
	}
}
