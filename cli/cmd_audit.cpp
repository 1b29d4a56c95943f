// gridctl audit verify | keygen | seal | check-seal: tamper evidence (docs/design.md §15).

#include <fstream>

#include "commands.hpp"
#include "gridgov/audit.hpp"
#include "gridgov/policy.hpp"
#include "gridgov/readers.hpp"
#include "gridgov/seal.hpp"
#include "gridgov/views.hpp"
#include "listing.hpp"

namespace gridctl {

namespace {

struct AuditFlags {
  long long from = 1;
  std::string file;
  std::string out;
  std::string month;
  std::string key;
  std::string output;
  std::string seal;
  std::string pub;
};

/// Prints what was checked, once nothing disagreed (exit 8 otherwise).
void report(const Context& ctx, const gridgov::AuditReport& r, const std::string& file,
            std::chrono::minutes offset) {
  gridgov::throw_if_tampered(r, file);
  ctx.print(gridgov::audit_record(r, offset));
}

}  // namespace

void setup_audit(CLI::App& app, Context& ctx) {
  auto f = std::make_shared<AuditFlags>();
  auto* audit = app.add_subcommand(
      "audit", "Tamper evidence (防篡改): the events' hash chain, keys and monthly seals");
  audit->require_subcommand(1);

  auto* verify = audit->add_subcommand(
      "verify",
      "Recompute the chain and replay every case against its row (or check an events export)");
  auto* from =
      verify
          ->add_option("--from", f->from, "Recheck from this event on (anchored on the one before)")
          ->check(whole_number(1))
          ->type_name("ID");
  verify->add_option("file", f->file, "An `export events` file (csv, json or ndjson) to check")
      ->type_name("FILE")
      ->excludes(from);
  verify->callback([f, &ctx] {
    if (!f->file.empty()) {
      std::ifstream in(f->file, std::ios::binary);
      if (!in)
        throw gridgov::Error(gridgov::ErrorCode::not_found, "cannot open " + f->file, "", "file");
      const auto offset = gridgov::default_policy().utc_offset;
      report(ctx, gridgov::verify_events_file(in, f->file, offset), f->file, offset);
      return;
    }
    auto session = ctx.session();
    report(ctx, gridgov::verify_chain(session.store(), f->from), "", session.utc_offset());
  });

  auto* keygen = audit->add_subcommand(
      "keygen", "Make an Ed25519 key pair: FILE (private, mode 0600) and FILE.pub (public)");
  keygen->add_option("--out", f->out, "The private key's file (FILE.pub gets the public key)")
      ->required()
      ->type_name("FILE");
  keygen->callback([f, &ctx] {
    const std::string fingerprint = gridgov::generate_key(f->out);
    std::cout << fingerprint << '\n';
    ctx.say("wrote " + f->out + " (private: keep it secret, mode 0600) and " + f->out +
            ".pub (public: give it to whoever checks the seals)");
  });

  auto* seal = audit->add_subcommand(
      "seal", "Sign a month's chain head and figures with the county's key (a JSON seal)");
  add_month_flag(seal, f->month);
  seal->add_option("--key", f->key, "The private key (audit keygen)")
      ->required()
      ->type_name("FILE");
  seal->add_option("-o,--output", f->output,
                   "The seal file to write, never one that exists (- for standard output)")
      ->required()
      ->type_name("SEAL.json");
  seal->callback([f, &ctx] {
    auto session = ctx.session();
    const auto month = Context::month(session, f->month);
    gridgov::save_seal(f->output, gridgov::make_seal(session, month, f->key));
    if (f->output != "-") ctx.say("wrote the seal to " + f->output);
  });

  auto* check = audit->add_subcommand(
      "check-seal", "Check a seal against the database: signature, chain head and figures");
  check->add_option("seal", f->seal, "The seal (audit seal -o)")
      ->required()
      ->type_name("SEAL.json");
  check->add_option("--pub", f->pub, "The public key (FILE.pub of audit keygen)")
      ->required()
      ->type_name("FILE.pub");
  check->callback([f, &ctx] {
    auto session = ctx.session();
    const std::string text = gridgov::read_text_file(f->seal);
    ctx.print(gridgov::seal_record(gridgov::check_seal(session, text, f->seal, f->pub)));
  });
}

}  // namespace gridctl
