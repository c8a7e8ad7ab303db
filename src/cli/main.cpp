// `diming <subcommand>`: argument parsing here, the work in the library, and the one place
// where exceptions become exit codes and one-line messages.

#include "cli/commands.hpp"

#include "core/error.hpp"
#include "store/database.hpp"
#include "match/match_run.hpp"
#include "publish/postgres.hpp"
#include "store/migrations.hpp"

#include <iostream>

namespace {

// Exit codes: 0 ok, 2 usage, 3 bad input, 4 database or schema, 5 library, 1 anything else.
int report(const std::exception_ptr& ep) {
    try {
        std::rethrow_exception(ep);
    } catch (const diming::store::schema_error& e) {
        std::cerr << "diming: " << e.what() << '\n';
        return 4;
    } catch (const diming::store::database_error& e) {
        std::cerr << "diming: " << e.what() << '\n';
        return 4;
    } catch (const diming::publish::publish_error& e) {
        std::cerr << "diming: " << e.what() << '\n';
        return 4;
    } catch (const diming::match::match_error& e) {
        std::cerr << "diming: " << e.what() << '\n';
        return 3;
    } catch (const diming::input_error& e) {
        std::cerr << "diming: " << e.what() << '\n';
        return 3;
    } catch (const diming::library_error& e) {
        std::cerr << "diming: " << e.what() << '\n';
        return 5;
    } catch (const std::exception& e) {
        std::cerr << "diming: internal error: " << e.what() << '\n';
        return 1;
    }
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"diming: place-name (地名) and door-plate (门牌) registry for a county civil-affairs bureau"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "diming 0.1.0");
    diming::cli::add_init(app);
    diming::cli::add_import_divisions(app);
    diming::cli::add_import(app);
    diming::cli::add_match(app);
    diming::cli::add_audit(app);
    diming::cli::add_names(app);
    diming::cli::add_geocode(app);
    diming::cli::add_plates(app);
    diming::cli::add_print_orders(app);
    diming::cli::add_tiles(app);
    diming::cli::add_publish(app);
    diming::cli::add_serve(app);
    diming::cli::add_token(app);
    diming::cli::add_sample(app);
    diming::cli::add_parse(app);
    diming::cli::add_eval_parse(app);
    diming::cli::add_demo(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // CLI11 prints the message (or the help); every usage error is exit 2, as documented,
        // whatever CLI11's own code for its kind (105 for a value out of range).
        return app.exit(e) == 0 ? 0 : 2;
    } catch (...) {
        return report(std::current_exception());
    }
    return 0;
}
