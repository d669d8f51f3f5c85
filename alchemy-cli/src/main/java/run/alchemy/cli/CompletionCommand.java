package run.alchemy.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code alchemy completion}: a bash/zsh completion script for every command and option. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        header = "Print a completion script for bash and zsh.",
        description = "Print a completion script for bash (and zsh, through bashcompinit): commands, options and"
                + " option values complete with TAB.",
        footerHeading = "%nExamples:%n",
        footer = {"  # in this shell (completes ./alchemy as well as alchemy on the PATH)",
                "  source <(./alchemy completion)",
                "  # for every new bash",
                "  ./alchemy completion > ~/.alchemy-completion.bash",
                "  echo 'source ~/.alchemy-completion.bash' >> ~/.bashrc",
                "  # in zsh",
                "  autoload -U +X bashcompinit && bashcompinit",
                "  source <(./alchemy completion)"})
final class CompletionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Io io = Io.current();
        io.out.print(AutoComplete.bash("alchemy", spec.root().commandLine()));
        io.out.flush();
        io.err.println("completion script for alchemy: source it in bash or zsh");
        return 0;
    }
}
