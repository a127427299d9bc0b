package labs

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// schema is the subset of JSON Schema that docs/lab.schema.json uses.
type schema struct {
	Ref                  string             `json:"$ref"`
	Type                 any                `json:"type"`
	Properties           map[string]*schema `json:"properties"`
	Required             []string           `json:"required"`
	AdditionalProperties *additional        `json:"additionalProperties"`
	PropertyNames        *schema            `json:"propertyNames"`
	Items                *schema            `json:"items"`
	OneOf                []*schema          `json:"oneOf"`
	Enum                 []any              `json:"enum"`
	MinItems             int                `json:"minItems"`
	MinLength            int                `json:"minLength"`
	Pattern              string             `json:"pattern"`
	Minimum              *float64           `json:"minimum"`
	Defs                 map[string]*schema `json:"$defs"`
}

func loadSchema(t *testing.T) *schema {
	t.Helper()
	data, err := os.ReadFile("../docs/lab.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var s schema
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatalf("lab.schema.json: %v", err)
	}
	return &s
}

// additional is additionalProperties: false (no other key), or the
// schema every other key's value matches.
type additional struct {
	allowed bool
	schema  *schema
}

func (a *additional) UnmarshalJSON(b []byte) error {
	if err := json.Unmarshal(b, &a.allowed); err == nil {
		return nil
	}
	a.allowed = true
	return json.Unmarshal(b, &a.schema)
}

// check validates v against s, returning the first problem found.
func (root *schema) check(s *schema, v any, at string) error {
	if s.Ref != "" {
		def := root.Defs[strings.TrimPrefix(s.Ref, "#/$defs/")]
		if def == nil {
			return fmt.Errorf("%s: unknown $ref %s", at, s.Ref)
		}
		return root.check(def, v, at)
	}
	if len(s.OneOf) > 0 {
		matched := 0
		for _, o := range s.OneOf {
			if root.check(o, v, at) == nil {
				matched++
			}
		}
		if matched != 1 {
			return fmt.Errorf("%s: matches %d of oneOf, want 1", at, matched)
		}
	}
	if s.Type != nil && !typeMatches(s.Type, v) {
		return fmt.Errorf("%s: %T is not of type %v", at, v, s.Type)
	}
	if len(s.Enum) > 0 && !contains(toStrings(s.Enum), fmt.Sprint(v)) {
		return fmt.Errorf("%s: %v not in %v", at, v, s.Enum)
	}
	switch x := v.(type) {
	case string:
		if len([]rune(x)) < s.MinLength {
			return fmt.Errorf("%s: shorter than %d", at, s.MinLength)
		}
		if s.Pattern != "" && !regexp.MustCompile(s.Pattern).MatchString(x) {
			return fmt.Errorf("%s: %q does not match %s", at, x, s.Pattern)
		}
	case int:
		if s.Minimum != nil && float64(x) < *s.Minimum {
			return fmt.Errorf("%s: %d below %v", at, x, *s.Minimum)
		}
	case []any:
		if len(x) < s.MinItems {
			return fmt.Errorf("%s: fewer than %d items", at, s.MinItems)
		}
		if s.Items != nil {
			for i, item := range x {
				if err := root.check(s.Items, item, fmt.Sprintf("%s[%d]", at, i)); err != nil {
					return err
				}
			}
		}
	case map[string]any:
		for _, r := range s.Required {
			if _, ok := x[r]; !ok {
				return fmt.Errorf("%s: missing %s", at, r)
			}
		}
		for k, val := range x {
			if s.PropertyNames != nil {
				if err := root.check(s.PropertyNames, k, at+" key "+k); err != nil {
					return err
				}
			}
			p := s.Properties[k]
			if p == nil {
				if a := s.AdditionalProperties; a != nil && !a.allowed {
					return fmt.Errorf("%s: unknown key %s", at, k)
				} else if a != nil && a.schema != nil {
					p = a.schema
				} else {
					continue
				}
			}
			if err := root.check(p, val, at+"."+k); err != nil {
				return err
			}
		}
	}
	return nil
}

func typeMatches(t any, v any) bool {
	var types []string
	switch x := t.(type) {
	case string:
		types = []string{x}
	case []any:
		types = toStrings(x)
	}
	for _, typ := range types {
		switch v.(type) {
		case string:
			if typ == "string" {
				return true
			}
		case int:
			if typ == "integer" || typ == "number" {
				return true
			}
		case []any:
			if typ == "array" {
				return true
			}
		case map[string]any:
			if typ == "object" {
				return true
			}
		}
	}
	return false
}

func toStrings(xs []any) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = fmt.Sprint(x)
	}
	return out
}

// TestBuiltInLabsMatchSchema validates each built-in lab file against
// docs/lab.schema.json, and a few broken ones against it too.
func TestBuiltInLabsMatchSchema(t *testing.T) {
	root := loadSchema(t)
	files, _ := filepath.Glob("../assets/labs/*.yaml")
	if len(files) == 0 {
		t.Fatal("no built-in labs")
	}
	tests := []struct {
		name  string
		file  string
		valid bool
	}{
		{name: "unknown key", file: "testdata/broken/unknown_key.yaml"},
		{name: "missing field", file: "testdata/broken/missing_field.yaml"},
		{name: "wrong type", file: "testdata/broken/wrong_type.yaml"},
		{name: "two kinds in one expect", file: "testdata/broken/bad_expect.yaml"},
		{name: "a translation with commands and an unknown language", file: "testdata/broken/translation_shape.yaml"},
		{name: "a translation of the wrong type", file: "testdata/broken/translation_type.yaml"},
		{name: "a translated lab", file: "testdata/good/translated.yaml", valid: true},
		{name: "names", file: "testdata/good/names.yaml", valid: true},
		{name: "NAME@HOST nodes and targets", file: "testdata/good/hostns.yaml", valid: true},
		{name: "a bad address in names", file: "testdata/broken/names_address.yaml"},
	}
	for _, f := range files {
		tests = append(tests, struct {
			name  string
			file  string
			valid bool
		}{name: filepath.Base(f), file: f, valid: true})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := os.ReadFile(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			var v any
			if err := yaml.Unmarshal(data, &v); err != nil {
				t.Fatal(err)
			}
			err = root.check(root, v, "lab")
			if tt.valid && err != nil {
				t.Errorf("%s does not match the schema: %v", tt.file, err)
			}
			if !tt.valid && err == nil {
				t.Errorf("%s matches the schema, want a mismatch", tt.file)
			}
		})
	}
}

// TestSchemaKeysMatchLoader keeps the schema's keys and the loader's
// allowed keys the same.
func TestSchemaKeysMatchLoader(t *testing.T) {
	root := loadSchema(t)
	keys := func(s *schema) string {
		var ks []string
		for k := range s.Properties {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		return strings.Join(ks, ",")
	}
	sorted := func(ks []string) string {
		c := append([]string(nil), ks...)
		sort.Strings(c)
		return strings.Join(c, ",")
	}
	tests := []struct {
		name   string
		schema *schema
		loader []string
	}{
		{name: "lab", schema: root, loader: labKeys},
		{name: "setup", schema: root.Defs["setup"], loader: setupKeys},
		{name: "step", schema: root.Defs["step"], loader: stepKeys},
		{name: "question", schema: root.Defs["question"], loader: questionKeys},
		{name: "translation", schema: root.Defs["translation"], loader: translationKeys},
		{name: "step translation", schema: root.Defs["stepTranslation"], loader: stepTranslationKeys},
		{name: "question translation", schema: root.Defs["questionTranslation"], loader: questionTranslationKeys},
	}
	for i, k := range expectKinds {
		tests = append(tests, struct {
			name   string
			schema *schema
			loader []string
		}{name: "expect " + string(k), schema: root.Defs["expect"].OneOf[i], loader: expectKeys[k]})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := keys(tt.schema), sorted(tt.loader); got != want {
				t.Errorf("schema keys %s, loader keys %s", got, want)
			}
		})
	}
}
