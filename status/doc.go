// Package status checks every stored login with its server again, for
// `remote-login status`: nothing is written, and each login gets one
// Result saying whether it still works.
//
//   - A library remote's access token: service discovery, each service's
//     version and token-status, as `apptainer remote status` does.
//   - A registry login: GET /v2/ with the stored credential (Basic, or an
//     identity token through the token service), whether its secret is in
//     remote.yaml, the OS keyring or Apptainer's docker config.
//   - A keyserver login: GET its URI with the stored Authorization.
//
// A secret that is a JWT has its exp read locally first: an expired one is
// a failure and is not sent; one that expires within ExpiryWarning is a
// warning. The checks run in parallel, each under its own timeout, so many
// logins take about as long as the slowest. No Result holds any part of a
// secret, and user information in URIs is redacted.
package status
