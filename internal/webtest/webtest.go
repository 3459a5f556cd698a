// Package webtest drives the web app in headless Chromium against a real server started in
// the test process (SQLite in a temporary directory, the demo city and users). See
// browser_test.go; scripts/test-deps.sh installs Chromium.
package webtest
