package apidump

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Generate dumps every public package of the module rooted at root, keyed
// by golden file name (see Packages).
func Generate(root, modulePath string) (map[string]string, error) {
	pkgs, err := Packages(root)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(pkgs))
	for _, p := range pkgs {
		text, err := Dump(root, modulePath, p.Dir)
		if err != nil {
			return nil, err
		}
		out[p.File] = text
	}
	return out, nil
}

// Write replaces the .txt files in dir with files, removing those that no
// longer name a package.
func Write(dir string, files map[string]string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("apidump: %w", err)
	}
	old, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return fmt.Errorf("apidump: %w", err)
	}
	for _, p := range old {
		if _, ok := files[filepath.Base(p)]; !ok {
			if err := os.Remove(p); err != nil {
				return fmt.Errorf("apidump: %w", err)
			}
		}
	}
	for name, text := range files {
		if strings.ContainsAny(name, `/\`) {
			return fmt.Errorf("apidump: file name %q has a separator", name)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			return fmt.Errorf("apidump: %w", err)
		}
	}
	return nil
}
