// The chain's encodings and hashes (docs/design.md §15), over OpenSSL's libcrypto.

#include <fmt/format.h>
#include <openssl/evp.h>

#include <charconv>
#include <memory>

#include "gridgov/audit.hpp"
#include "gridgov/error.hpp"

namespace gridgov {

namespace {

/// One SHA-256 context, kept for the thread: a bulk import hashes millions of events, and
/// allocating a context for each costs as much as the hashing.
class Sha256 {
 public:
  Sha256() : m_md(EVP_MD_fetch(nullptr, "SHA256", nullptr)), m_ctx(EVP_MD_CTX_new()) {
    if (!m_md || !m_ctx) throw Error(ErrorCode::internal, "libcrypto has no SHA-256");
  }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  ~Sha256() {
    EVP_MD_CTX_free(m_ctx);
    EVP_MD_free(m_md);
  }

  Digest operator()(std::string_view a, std::string_view b) {
    Digest out{};
    unsigned int size = 0;
    if (EVP_DigestInit_ex2(m_ctx, m_md, nullptr) != 1 ||
        EVP_DigestUpdate(m_ctx, a.data(), a.size()) != 1 ||
        (!b.empty() && EVP_DigestUpdate(m_ctx, b.data(), b.size()) != 1) ||
        EVP_DigestFinal_ex(m_ctx, out.data(), &size) != 1 || size != out.size())
      throw Error(ErrorCode::internal, "SHA-256 failed in libcrypto");
    return out;
  }

 private:
  EVP_MD* m_md;
  EVP_MD_CTX* m_ctx;
};

Digest hash_of(std::string_view a, std::string_view b) {
  thread_local Sha256 sha;
  return sha(a, b);
}

std::string_view bytes(const Digest& d) {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}

/// Appends one field: its length as four bytes, big-endian, then its bytes.
void field(std::string& out, std::string_view value) {
  const auto n = static_cast<std::uint32_t>(value.size());
  const char length[4] = {static_cast<char>((n >> 24) & 0xff), static_cast<char>((n >> 16) & 0xff),
                          static_cast<char>((n >> 8) & 0xff), static_cast<char>(n & 0xff)};
  out.append(length, 4).append(value);
}

void field(std::string& out, long long n) {
  char text[24];
  const auto r = std::to_chars(text, text + sizeof text, n);
  field(out, std::string_view(text, static_cast<std::size_t>(r.ptr - text)));
}

void field(std::string& out, const std::optional<Timestamp>& t) {
  if (t)
    field(out, static_cast<long long>(t->time_since_epoch().count()));
  else
    field(out, std::string_view());
}

void field(std::string& out, Timestamp t) { field(out, std::optional<Timestamp>(t)); }

/// A double as the shortest text that reads back as the same one (what the exports write).
void field(std::string& out, const std::optional<double>& d) {
  if (!d) return field(out, std::string_view());
  char text[32];
  const auto r = fmt::format_to_n(text, sizeof text, "{}", *d);
  field(out, std::string_view(text, r.size));
}

/// Appends the encoding of event `e` with the id `id` to `out`.
void encode_event(std::string& out, const Case& c, const Event& e, long long id) {
  field(out, "gridgov/event/1");
  field(out, id);
  field(out, e.case_id);
  field(out, to_string(e.type));
  field(out, e.at);
  field(out, e.recorded_at);
  field(out, e.actor);
  field(out, e.type == EventType::report ? std::string_view() : to_string(e.from_level));
  field(out, e.from_unit);
  field(out, e.from_department);
  field(out, to_string(e.level));
  field(out, e.unit);
  field(out, e.department);
  field(out, e.worker);
  field(out, e.deadline);
  field(out, e.due);
  field(out, e.extension ? format_duration(*e.extension) : std::string());
  field(out, e.supervision_by);
  field(out, e.note);
  field(out, e.late_record ? "1" : "0");
  field(out, to_string(c.kind));
  field(out, to_string(c.source));
  field(out, c.ext_id);
  field(out, c.category);
  field(out, c.service);
  field(out, c.title);
  field(out, c.description);
  field(out, c.grid);
  field(out, c.reporter);
  field(out, c.reported_at);
  field(out, c.location ? std::optional<double>(c.location->lon) : std::nullopt);
  field(out, c.location ? std::optional<double>(c.location->lat) : std::nullopt);
}

}  // namespace

Digest sha256(std::string_view data) { return hash_of(data, {}); }

std::string to_hex(const Digest& d) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(d.size() * 2, '0');
  for (std::size_t i = 0; i < d.size(); ++i) {
    out[2 * i] = digits[d[i] >> 4];
    out[2 * i + 1] = digits[d[i] & 0x0f];
  }
  return out;
}

std::optional<Digest> digest_from_hex(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Digest out{};
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return out;
}

std::string start_encoding(const ChainStart& s) {
  std::string out;
  field(out, "gridgov/chain/1");
  field(out, s.county);
  field(out, s.at);
  field(out, s.reason);
  field(out, s.events_before);
  return out;
}

ChainStart make_chain_start(std::string county, Timestamp at, std::string reason,
                            long long events_before) {
  ChainStart s{std::move(county), at, std::move(reason), events_before, {}};
  s.hash = hash_of(bytes(Digest{}), start_encoding(s));
  return s;
}

std::string event_encoding(const Case& c, const Event& e) {
  std::string out;
  encode_event(out, c, e, e.id);
  return out;
}

Link link_after(const Digest& prev, const Case& header, const Event& e) {
  return detail::link_as(prev, header, e, e.id);
}

namespace detail {

Link link_as(const Digest& prev, const Case& header, const Event& e, long long id) {
  // One buffer for the thread: a bulk import links millions of events.
  thread_local std::string encoding;
  encoding.assign(bytes(prev));  // hashed as one run: prev ‖ encoding
  encode_event(encoding, header, e, id);
  return Link{prev, hash_of(encoding, {})};
}

}  // namespace detail

}  // namespace gridgov
