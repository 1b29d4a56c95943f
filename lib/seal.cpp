// Keys and monthly seals (docs/design.md §15), over OpenSSL's libcrypto: Ed25519 keys in PEM,
// signatures over the seal's canonical JSON.

#include "gridgov/seal.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "gridgov/audit.hpp"
#include "gridgov/error.hpp"
#include "gridgov/store.hpp"

namespace gridgov {

namespace {

using Json = nlohmann::json;

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using Bio = std::unique_ptr<BIO, BioFree>;
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

/// What the signature covers: a tag, then the seal object as compact JSON with its keys sorted
/// (nlohmann's objects are sorted maps) and UTF-8 unescaped; every value is a string or an
/// integer, so the text is the same whoever writes it.
constexpr std::string_view k_signed_tag = "gridgov-seal-1\n";
std::string signed_bytes(const Json& seal) { return std::string(k_signed_tag) + seal.dump(); }

std::string read_file(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw Error(ErrorCode::not_found,
                fmt::format("cannot read {} {}: {}", what, path, std::strerror(errno)), "", what);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string pem_text(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

/// The Ed25519 key in PEM at `path`: `read` is PEM_read_bio_PrivateKey or PEM_read_bio_PUBKEY.
template <class Read>
Pkey read_key(const std::string& path, Read read, const char* what, const char* field) {
  const std::string pem = read_file(path, what);
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  // An encrypted key would make libcrypto prompt on the terminal: a callback that gives no
  // passphrase makes it fail instead, and the message below says what is wanted.
  pem_password_cb* no_passphrase = [](char*, int, int, void*) { return 0; };
  Pkey key(read(bio.get(), nullptr, no_passphrase, nullptr));
  if (!key || EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519)
    throw Error(
        ErrorCode::input,
        fmt::format("{}: not an unencrypted Ed25519 {} in PEM (gridctl audit keygen writes one)",
                    path, what),
        "", field);
  return key;
}
Pkey read_private_key(const std::string& path) {
  return read_key(path, PEM_read_bio_PrivateKey, "private key", "key");
}
Pkey read_public_key(const std::string& path) {
  return read_key(path, PEM_read_bio_PUBKEY, "public key", "pub");
}

std::string fingerprint(EVP_PKEY* key) {
  unsigned char raw[32];
  std::size_t n = sizeof raw;
  if (EVP_PKEY_get_raw_public_key(key, raw, &n) != 1 || n != sizeof raw)
    throw Error(ErrorCode::internal, "libcrypto gave no raw Ed25519 public key");
  return to_hex(sha256(std::string_view(reinterpret_cast<const char*>(raw), n)));
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::string> unbase64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  std::size_t size = static_cast<std::size_t>(n);
  for (auto it = text.rbegin(); it != text.rend() && *it == '='; ++it) --size;  // the padding
  out.resize(size);
  return out;
}

std::string sign(EVP_PKEY* key, const std::string& message) {
  MdCtx ctx(EVP_MD_CTX_new());
  unsigned char signature[64];
  std::size_t n = sizeof signature;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), signature, &n,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1)
    throw Error(ErrorCode::internal, "Ed25519 signing failed in libcrypto");
  return std::string(reinterpret_cast<const char*>(signature), n);
}

bool signature_holds(EVP_PKEY* key, const std::string& message, const std::string& signature) {
  MdCtx ctx(EVP_MD_CTX_new());
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                          message.size()) == 1;
}

/// Creates `path` with `mode`, never replacing a file, and writes `text` to it.
void write_new(const std::string& path, const std::string& text, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0)
    throw Error(errno == EEXIST ? ErrorCode::refused : ErrorCode::input,
                fmt::format("cannot create {}: {}", path, std::strerror(errno)), "", "out");
  bool ok = ::fchmod(fd, mode) == 0;  // whatever the umask
  for (std::size_t done = 0; ok && done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  ok = ::fsync(fd) == 0 && ok;
  const int err = errno;
  ::close(fd);
  if (!ok) {
    std::remove(path.c_str());
    throw Error(ErrorCode::input, fmt::format("cannot write {}: {}", path, std::strerror(err)), "",
                "out");
  }
}

/// The figures a seal holds of one statistics row: its counts (rates follow from them).
constexpr std::pair<const char*, long long Tally::*> k_sealed_counts[] = {
    {"reported", &Tally::reported},
    {"problems", &Tally::problems},
    {"closed", &Tally::closed},
    {"closed_on_time", &Tally::closed_on_time},
    {"escalated", &Tally::escalated},
    {"referred", &Tally::referred},
    {"whistles", &Tally::whistles},
    {"rework", &Tally::rework},
    {"overdue_open", &Tally::overdue_open},
    {"stage_late", &Tally::stage_late},
    {"extended", &Tally::extended},
    {"suspended_open", &Tally::suspended_open},
    {"supervised", &Tally::supervised},
    {"supervision_overdue", &Tally::supervision_overdue},
    {"verified_by_admin", &Tally::verified_by_admin},
    {"reported_by_party_members", &Tally::reported_by_party_members},
    {"handled_by_party_members", &Tally::handled_by_party_members}};

Json counts_of(const StatsRow& row) {
  Json j = Json::object();
  for (const auto& [name, member] : k_sealed_counts) j[name] = row.*member;
  j["quota_days_met"] = row.quota_days_met.value_or(0);
  return j;
}

/// The month's figures: the county's row, and each town's.
Json figures(Session& session, const Period& period) {
  const auto rows = statistics(session, period, {Grouping::town});  // the towns, then the total
  Json towns = Json::array();
  for (std::size_t i = 0; i + 1 < rows.size(); ++i) {
    Json counts = counts_of(rows[i]);
    counts["code"] = rows[i].group;
    counts["name"] = rows[i].name;
    towns.push_back(std::move(counts));
  }
  return Json{{"county", rows.empty() ? Json::object() : counts_of(rows.back())}, {"towns", towns}};
}

Json policy_of(Store& store, std::optional<int> version = std::nullopt) {
  std::optional<StoredPolicy> p;
  if (!version) {
    p = store.policy();
  } else {
    for (auto& stored : store.policies())
      if (stored.version == *version) p = std::move(stored);
    if (!p && *version != 0) return Json();
  }
  return Json{{"version", p ? p->version : 0}, {"sha256", to_hex(sha256(p ? p->text : ""))}};
}

[[noreturn]] void tampered(const std::string& what) { throw Error(ErrorCode::tampered, what); }

/// The seal's `month` as a period (ErrorCode::input naming the seal when it is none).
Period month_of(Session& session, std::string_view month, const std::string& seal_name) {
  auto p = month_period(month, session.utc_offset());
  if (!p)
    throw Error(ErrorCode::input,
                fmt::format("{}: not a gridgov seal: month {} is not YYYY-MM", seal_name, month),
                "", "seal");
  return *p;
}

}  // namespace

std::string generate_key(const std::string& path) {
  const std::string pub = path + ".pub";
  for (const auto& p : {path, pub}) {
    std::error_code ec;
    if (std::filesystem::exists(p, ec) || std::filesystem::is_symlink(p, ec))
      throw Error(ErrorCode::refused,
                  p + " exists: keygen never replaces a key (a seal made with it could no "
                      "longer be checked); choose another --out",
                  "", "out");
  }
  Pkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  Bio priv(BIO_new(BIO_s_mem()));
  Bio pubbio(BIO_new(BIO_s_mem()));
  if (!key || !priv || !pubbio ||
      PEM_write_bio_PrivateKey(priv.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
      PEM_write_bio_PUBKEY(pubbio.get(), key.get()) != 1)
    throw Error(ErrorCode::internal, "Ed25519 key generation failed in libcrypto");
  write_new(path, pem_text(priv.get()), 0600);
  try {
    write_new(pub, pem_text(pubbio.get()), 0644);
  } catch (...) {
    std::remove(path.c_str());
    throw;
  }
  return fingerprint(key.get());
}

void save_seal(const std::string& path, const std::string& text) {
  if (path == "-") {
    std::cout << text << std::flush;
    if (!std::cout) throw Error(ErrorCode::internal, "cannot write standard output");
    return;
  }
  write_new(path, text, 0644);
}

std::string key_fingerprint(const std::string& public_key_path) {
  return fingerprint(read_public_key(public_key_path).get());
}

Timestamp final_at(Session& session, const Period& period) {
  const Policy& policy = session.policy();
  return policy.after(period.to, policy.backfill);
}

std::string make_seal(Session& session, const Period& period, const std::string& key_path) {
  const auto snapshot = session.begin_read();  // the chain head and the figures of one moment
  const Timestamp final = final_at(session, period);
  const std::chrono::minutes offset = session.utc_offset();
  const std::string month = format_time(period.from, offset).substr(0, 7);  // YYYY-MM
  if (session.now() < final)
    throw Error(ErrorCode::refused,
                fmt::format("the figures of {} are not final until {} (the month's end and the "
                            "policy's backfill window, rule 16); seal it then",
                            month, format_time(final, offset)),
                "", "month");
  const Pkey key = read_private_key(key_path);
  Store& store = session.store();
  const auto county = store.county();
  if (!county) throw Error(ErrorCode::not_found, "the database holds no county yet");
  // The head as the seal is made: after the month's end, it covers every event the figures were
  // computed from, an import's history of the month included.
  Json chain = Json::object();
  if (auto head = store.chain_head(std::nullopt))
    chain = Json{{"event", head->first}, {"hash", to_hex(head->second)}};
  else if (auto start = store.chain_start())
    chain = Json{{"event", 0}, {"hash", to_hex(start->hash)}};
  else
    chain = Json{{"event", 0}, {"hash", ""}};
  Json seal = {{"format", "gridgov-seal/1"},
               {"county", {{"code", county->code}, {"name", county->name}}},
               {"month", month},
               {"sealed_at", format_time(session.now(), offset)},
               {"final_at", format_time(final, offset)},
               {"policy", policy_of(store)},
               {"chain", chain},
               {"statistics", figures(session, period)},
               {"key", fingerprint(key.get())}};
  const std::string signature = sign(key.get(), signed_bytes(seal));
  Json out = {{"seal", seal}, {"signature", base64(signature)}};
  return out.dump(2) + "\n";
}

SealCheck check_seal(Session& session, const std::string& seal_text, const std::string& seal_name,
                     const std::string& public_key_path) {
  auto bad = [&](const std::string& why) {
    return Error(ErrorCode::input, fmt::format("{}: not a gridgov seal: {}", seal_name, why), "",
                 "seal");
  };
  Json file;
  try {
    file = Json::parse(seal_text);
  } catch (const Json::parse_error& e) {
    int line = 1;
    int column = 1;
    for (std::size_t i = 0; i + 1 < e.byte && i < seal_text.size(); ++i) {
      if (seal_text[i] == '\n') {
        line += 1;
        column = 1;
      } else if ((static_cast<unsigned char>(seal_text[i]) & 0xC0) != 0x80) {
        column += 1;
      }
    }
    const std::string what = e.what();
    throw Error(
        ErrorCode::input,
        fmt::format("{}:{}:{}: not JSON: {}", seal_name, line, column,
                    what.substr(what.rfind(": ") == std::string::npos ? 0 : what.rfind(": ") + 2)),
        "", "seal");
  }
  if (!file.is_object()) throw bad("not a JSON object");
  if (!file.contains("seal") || !file["seal"].is_object()) throw bad("no \"seal\" object");
  if (!file.contains("signature") || !file["signature"].is_string())
    throw bad("no \"signature\" text");
  const Json& seal = file["seal"];
  auto text = [&](const Json& j, const char* key) -> std::string {
    if (!j.contains(key) || !j[key].is_string()) throw bad(fmt::format("no \"{}\" text", key));
    return j[key].get<std::string>();
  };
  auto object = [&](const Json& j, const char* key) -> const Json& {
    if (!j.contains(key) || !j[key].is_object()) throw bad(fmt::format("no \"{}\" object", key));
    return j[key];
  };
  if (text(seal, "format") != "gridgov-seal/1")
    throw bad(fmt::format("format {} is not gridgov-seal/1", text(seal, "format")));

  // Who signed it, and whether it is what they signed.
  const Pkey key = read_public_key(public_key_path);
  const std::string sealed_key = text(seal, "key");
  if (sealed_key != fingerprint(key.get()))
    tampered(fmt::format("{}: its signature is by key {}, not by {} (key {})", seal_name,
                         sealed_key, public_key_path, fingerprint(key.get())));
  const auto signature = unbase64(text(file, "signature"));
  if (!signature || !signature_holds(key.get(), signed_bytes(seal), *signature))
    tampered(
        fmt::format("{}: its signature does not verify with {}: the seal was changed after "
                    "it was signed",
                    seal_name, public_key_path));

  SealCheck check;
  const auto snapshot = session.begin_read();  // the audit, the head and the figures, one moment
  Store& store = session.store();
  const auto county = store.county();
  check.county = text(object(seal, "county"), "code");
  if (!county || county->code != check.county)
    throw Error(ErrorCode::not_found,
                fmt::format("{} seals county {}; this database holds {}", seal_name, check.county,
                            county ? county->code : std::string("none")),
                "", "county");
  check.month = text(seal, "month");
  const Period period = month_of(session, check.month, seal_name);

  // The chain as it is now, and the sealed head still in it.
  const AuditReport audit = verify_chain(store);
  if (audit.finding) tampered(audit.finding->what);
  const Json& chain = object(seal, "chain");
  if (!chain.contains("event") || !chain["event"].is_number_integer()) throw bad("no chain event");
  check.head_event = chain["event"].get<long long>();
  const std::string sealed_hash = text(chain, "hash");
  if (check.head_event == 0) {
    const auto start = store.chain_start();
    if (!sealed_hash.empty() && (!start || to_hex(start->hash) != sealed_hash))
      tampered(
          "the sealed chain head, the chain's start entry, is not the one the database has "
          "now: the chain was rewritten");
  } else {
    std::optional<Digest> now;
    store.for_each_link(check.head_event, [&](long long id, long long, bool, const Digest& hash) {
      if (id == check.head_event) now = hash;
    });
    if (!now)
      tampered(
          fmt::format("the sealed chain head, event {}, is no longer in the chain (events "
                      "were deleted outside gridgov)",
                      check.head_event));
    if (to_hex(*now) != sealed_hash)
      tampered(
          fmt::format("event {}'s hash is not the sealed one: the chain up to the seal was "
                      "rewritten",
                      check.head_event));
  }

  // The policy the figures were computed under, as it was.
  const Json& policy = object(seal, "policy");
  if (!policy.contains("version") || !policy["version"].is_number_integer())
    throw bad("no policy version");
  const int version = policy["version"].get<int>();
  const Json stored = policy_of(store, version);
  if (stored.is_null())
    tampered(
        fmt::format("policy version {}, under which {} was sealed, is gone", version, check.month));
  if (stored["sha256"] != policy.value("sha256", Json()))
    tampered(fmt::format("policy version {}, under which {} was sealed, was changed since", version,
                         check.month));

  // The figures recomputed now.
  const Json sealed = object(seal, "statistics");
  const Json current = figures(session, period);
  const int newest = store.policy_version();
  const std::string policy_note =
      newest != version
          ? fmt::format(" (the figures are computed under policy version {} now, {} when sealed)",
                        newest, version)
          : std::string();
  auto compare = [&](const Json& was, const Json& is, const std::string& whose) {
    for (const auto& [name, member] : k_sealed_counts) {
      (void)member;
      if (was.value(name, Json()) != is.value(name, Json()))
        tampered(fmt::format("{} of {}: {} was {} when sealed, is {} now{}", whose, check.month,
                             name, was.value(name, Json()).dump(), is.value(name, Json()).dump(),
                             policy_note));
    }
    if (was.value("quota_days_met", Json()) != is.value("quota_days_met", Json()))
      tampered(fmt::format("{} of {}: quota_days_met was {} when sealed, is {} now{}", whose,
                           check.month, was.value("quota_days_met", Json()).dump(),
                           is.value("quota_days_met", Json()).dump(), policy_note));
  };
  compare(object(sealed, "county"), current["county"], fmt::format("county {}", check.county));
  if (!sealed.contains("towns") || !sealed["towns"].is_array()) throw bad("no towns");
  std::map<std::string, const Json*> now_by_code;
  for (const auto& t : current["towns"]) now_by_code[t["code"].get<std::string>()] = &t;
  std::set<std::string> sealed_codes;
  for (const auto& t : sealed["towns"]) {
    if (!t.is_object()) throw bad("a town that is not an object");
    const std::string code = text(t, "code");
    sealed_codes.insert(code);
    const auto it = now_by_code.find(code);
    if (it == now_by_code.end())
      tampered(fmt::format("town {} of the seal is no longer in the database", code));
    const Json name = t.value("name", Json());
    // (fmt, not "town " + code: g++ 12 at -O3 warns falsely of the latter, GCC bug 105329)
    compare(t, *it->second,
            fmt::format("town {}{}{}", code, name.is_string() ? " " : "",
                        name.is_string() ? name.get<std::string>() : ""));
    ++check.towns;
  }
  // A town added since had nothing to seal: its figures of the month must be none.
  Json zero = Json::object();
  for (const auto& [field, member] : k_sealed_counts) {
    (void)member;
    zero[field] = 0;
  }
  zero["quota_days_met"] = 0;
  for (const auto& [code, now] : now_by_code)
    if (!sealed_codes.contains(code))
      compare(zero, *now, fmt::format("town {} (added since)", code));
  return check;
}

}  // namespace gridgov
