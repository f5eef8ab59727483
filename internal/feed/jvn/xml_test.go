package jvn

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// TestDecoderDoesNotExpandEntities pins the property of encoding/xml that
// Parse's refusal of a DOCTYPE backs up: with the decoder as newDocument
// sets it up, an entity a DOCTYPE declares is neither read nor expanded,
// and using it is an error. Should a future encoding/xml start honouring
// declarations, this test fails before any feed is read with them.
func TestDecoderDoesNotExpandEntities(t *testing.T) {
	tests := []struct {
		name, in, wantErr string
	}{
		{
			name:    "external entity",
			in:      `<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>`,
			wantErr: "XML syntax error on line 1: invalid character entity &x;",
		},
		{
			name: "billion laughs",
			in: `<!DOCTYPE a [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
				`<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]><a>&lol2;</a>`,
			wantErr: "XML syntax error on line 1: invalid character entity &lol2;",
		},
		{
			name:    "internal entity",
			in:      `<!DOCTYPE a [<!ENTITY x "expanded">]><a>&x;</a>`,
			wantErr: "XML syntax error on line 1: invalid character entity &x;",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDocument(strings.NewReader(tt.in))
			var text strings.Builder
			var err error
			for {
				var tok xml.Token
				if tok, err = d.token(); err != nil {
					break
				}
				if cd, ok := tok.(xml.CharData); ok {
					text.Write(cd)
				}
			}
			if err == io.EOF || err.Error() != tt.wantErr {
				t.Errorf("error = %v, want %s", err, tt.wantErr)
			}
			if text.Len() > 0 {
				t.Errorf("decoded text %q, want none", text.String())
			}
		})
	}
}
