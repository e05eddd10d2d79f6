// Package sync keeps a device's recording library and the user's cloud
// account on an earshot-server in agreement, offline first.
//
// Importers write it plainly as sync, as rclone's fs/sync is imported; only a
// file that needs the standard library's sync too aliases that one as stdsync.
//
// The parts, bottom up:
//   - Client speaks the HTTP API of docs/api.md with the wire types of
//     package api, classifying every failure (see Kind) so callers retry only
//     what is worth retrying.
//   - Account and Session keep the login: tokens live in the OS keyring
//     (service "earshot", one entry per server and account) or, on request,
//     in this process's memory only; expired access tokens are refreshed
//     transparently.
//   - Engine runs the queue that lives in the library: resumable, verified
//     uploads idempotent by recording id, an incremental pull with the
//     server's since cursor, downloads on demand, the three delete scopes,
//     renames resolved by server version, with backoff while offline. It
//     reports progress through Events and a Status snapshot, and never
//     touches a GUI toolkit.
package sync
