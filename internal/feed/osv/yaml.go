package osv

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"go.yaml.in/yaml/v3"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed"
)

// maxYAMLDepth bounds nesting while a YAML tree is re-encoded. OSV nests
// five levels deep; the bound keeps an alias that refers to its own
// ancestor from recursing until the stack is gone.
const maxYAMLDepth = 64

// parseYAML reads a YAML stream whole (it is bounded by maxRecord, as one
// PyPA file is one record) and yields the records of each document. Each
// document is re-encoded as JSON and goes through the JSON decoder, so YAML
// and JSON records obey exactly the same rules and errors.
func parseYAML(r io.Reader, yield func(advisory.Record, error) bool) {
	data, err := io.ReadAll(io.LimitReader(r, maxRecord+1))
	switch {
	case err != nil:
		yield(advisory.Record{}, fmt.Errorf("%w: read: %v", feed.ErrFormat, err))
		return
	case len(data) > maxRecord:
		yield(advisory.Record{}, fmt.Errorf("%w: YAML document larger than 16 MiB", feed.ErrFormat))
		return
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	pos, docs := 0, 0
	for {
		var doc yaml.Node
		err := decodeYAML(dec, &doc)
		if err == io.EOF {
			if docs == 0 {
				yield(advisory.Record{}, fmt.Errorf("%w: empty document", feed.ErrFormat))
			}
			return
		}
		if err != nil {
			yield(advisory.Record{}, fmt.Errorf("%w: YAML: %v", feed.ErrFormat, err))
			return
		}
		docs++
		root := &doc
		if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
			root = root.Content[0]
		}
		var items []*yaml.Node
		switch root.Kind {
		case yaml.MappingNode:
			items = []*yaml.Node{root}
		case yaml.SequenceNode:
			items = root.Content
		default:
			yield(advisory.Record{}, fmt.Errorf("%w: YAML document %d is not a record or a list of records", feed.ErrFormat, docs))
			return
		}
		for _, n := range items {
			pos++
			var buf bytes.Buffer
			if err := yamlToJSON(&buf, n, 0); err != nil {
				if !yield(advisory.Record{}, feed.Errorf(fmt.Sprintf("#%d", pos), "", "%v", err)) {
					return
				}
				continue
			}
			if !yield(decodeRecord(buf.Bytes(), pos)) {
				return
			}
		}
	}
}

// decodeYAML decodes the next YAML document. yaml.v3 has panicked on
// crafted input before (CVE-2022-28948); a panic here would take the whole
// import down, so it becomes an error like any other unreadable document.
func decodeYAML(dec *yaml.Decoder, n *yaml.Node) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("parser failure: %v", v)
		}
	}()
	return dec.Decode(n)
}

var errYAMLTooLarge = errors.New("record larger than 16 MiB once YAML aliases are expanded")

// yamlToJSON writes n as JSON. Every scalar but null becomes a JSON string
// of its text as written: OSV has no numeric fields, and a version written
// bare as 1.10 must stay "1.10", not become the number 1.1. Aliases are
// expanded, within maxRecord, so an alias bomb stops early.
func yamlToJSON(buf *bytes.Buffer, n *yaml.Node, depth int) error {
	if depth > maxYAMLDepth {
		return fmt.Errorf("YAML nested more than %d levels", maxYAMLDepth)
	}
	if buf.Len() > maxRecord {
		return errYAMLTooLarge
	}
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias == nil {
			return fmt.Errorf("line %d: alias without anchor", n.Line)
		}
		return yamlToJSON(buf, n.Alias, depth+1)
	case yaml.DocumentNode:
		if len(n.Content) != 1 {
			buf.WriteString("null")
			return nil
		}
		return yamlToJSON(buf, n.Content[0], depth+1)
	case yaml.MappingNode:
		buf.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind == yaml.AliasNode && k.Alias != nil {
				k = k.Alias // YAML cannot anchor an alias, so one step is enough
			}
			if k.Kind != yaml.ScalarNode {
				return fmt.Errorf("line %d: mapping key is not a scalar", k.Line)
			}
			if i > 0 {
				buf.WriteByte(',')
			}
			writeJSONString(buf, k.Value)
			buf.WriteByte(':')
			if err := yamlToJSON(buf, n.Content[i+1], depth+1); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
	case yaml.SequenceNode:
		buf.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := yamlToJSON(buf, c, depth+1); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	case yaml.ScalarNode:
		if n.ShortTag() == "!!null" {
			buf.WriteString("null")
			return nil
		}
		writeJSONString(buf, n.Value)
	default:
		return fmt.Errorf("line %d: unexpected YAML node", n.Line)
	}
	return nil
}

func writeJSONString(buf *bytes.Buffer, s string) {
	b, _ := json.Marshal(s) // a string always encodes
	buf.Write(b)
}
