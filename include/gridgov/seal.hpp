#pragma once
// Signed monthly seals (docs/design.md §15): the chain's head when a month's figures became
// final, the month's figures and the policy they were computed under, signed with the county's
// Ed25519 key (OpenSSL's libcrypto). Anyone with the public key checks a seal against a database.

#include <string>
#include <string_view>

#include "gridgov/session.hpp"
#include "gridgov/stats.hpp"

namespace gridgov {

/// Writes a new Ed25519 key pair: the private key to `path` (PEM, PKCS #8, mode 0600) and the
/// public key to `path` + ".pub" (PEM). Refuses (ErrorCode::refused, nothing written) when either
/// file exists. Returns the key's fingerprint (key_fingerprint).
std::string generate_key(const std::string& path);

/// A public key's fingerprint: the SHA-256 of its 32 raw bytes, in hexadecimal.
[[nodiscard]] std::string key_fingerprint(const std::string& public_key_path);

/// When the figures of the month `period` become final: its end plus the policy's backfill
/// window (rule 16), after which an event recorded about it counts at its recording.
[[nodiscard]] Timestamp final_at(Session& session, const Period& period);

/// The seal of the local month `month` (month_period) as JSON text: `{"seal": {…},
/// "signature"}`, signed with the private key at `key_path`. ErrorCode::refused before the
/// month's figures are final (final_at).
[[nodiscard]] std::string make_seal(Session& session, const Period& month,
                                    const std::string& key_path);

/// Writes a seal to `path` (`-`: standard output), never replacing a file (ErrorCode::refused):
/// a seal is evidence, and one sent to a third party must stay the one kept.
void save_seal(const std::string& path, const std::string& text);

/// What check_seal found in a seal that holds.
struct SealCheck {
  std::string county;
  std::string month;
  long long head_event = 0;  ///< the sealed chain head's event (0: the month had none)
  long long towns = 0;       ///< town rows compared, besides the county's
};

/// Checks the seal `seal_text` (read from `seal_name`) against the session's database: its
/// signature with the public key at `public_key_path`, the chain (verify_chain), the sealed head
/// still in it with its hash, the sealed policy version unchanged, and the month's figures
/// recomputed now equal to the sealed ones. ErrorCode::tampered naming the first that is not;
/// ErrorCode::input for a file that is not a seal; ErrorCode::not_found for a seal of another
/// county.
SealCheck check_seal(Session& session, const std::string& seal_text, const std::string& seal_name,
                     const std::string& public_key_path);

}  // namespace gridgov
