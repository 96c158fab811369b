package apidump

import (
	"errors"
	"fmt"
	"go/build"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Package is one public package of the module: its directory relative to
// the module root (slash-separated, "." for the root) and the name of the
// golden file that holds its API.
type Package struct {
	Dir  string
	File string
}

// skipDirs are directory names whose packages are not public API.
var skipDirs = map[string]bool{"internal": true, "examples": true, "testdata": true, "vendor": true}

// Packages lists the public packages of the module rooted at root, sorted
// by directory. Directories holding their own go.mod are other modules and
// are left out.
func Packages(root string) ([]Package, error) {
	var pkgs []Package
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if path != root {
			if skipDirs[name] || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
				return filepath.SkipDir
			}
		}
		bp, err := buildContext().ImportDir(path, 0)
		if err != nil {
			var noGo *build.NoGoError
			if errors.As(err, &noGo) {
				return nil
			}
			return fmt.Errorf("apidump: %s: %w", path, err)
		}
		// A directory of tests only (deploy/) has no API to list.
		if bp.Name == "main" || len(bp.GoFiles) == 0 {
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return fmt.Errorf("apidump: %w", err)
		}
		pkgs = append(pkgs, Package{Dir: filepath.ToSlash(rel), File: fileName(filepath.ToSlash(rel))})
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(pkgs, func(i, j int) bool { return pkgs[i].Dir < pkgs[j].Dir })
	return pkgs, nil
}

// fileName names the golden file of the package in dir: the root package
// is cardbot.txt, provider/greenapi is provider_greenapi.txt.
func fileName(dir string) string {
	if dir == "." {
		return "cardbot.txt"
	}
	return strings.ReplaceAll(dir, "/", "_") + ".txt"
}

// buildContext selects files as a linux/amd64 build without cgo does, so the
// output is the same on every machine that runs the test.
func buildContext() *build.Context {
	c := build.Default
	c.GOOS = "linux"
	c.GOARCH = "amd64"
	c.CgoEnabled = false
	c.BuildTags = nil
	return &c
}
