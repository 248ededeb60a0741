namespace Hospes.Storage.Bootloader;

/// <summary>
/// Reads GRUB 2's grub.cfg: menuentry and submenu blocks, their linux and initrd commands, and the
/// <c>default</c> variable. Commands run top to bottom with if/else ignored, so the last
/// <c>set default=...</c> wins, as it does in a generated grub.cfg.
/// </summary>
internal static class Grub2Menu
{
    private static readonly string[] LinuxCommands = ["linux", "linux16", "linuxefi", "kernel"];
    private static readonly string[] InitrdCommands = ["initrd", "initrd16", "initrdefi"];

    /// <param name="environment">Variables from grubenv (saved_entry, next_entry), which load_env would set.</param>
    /// <param name="limits">Bounds on what the guest's text may make this do; a menu past one throws <see cref="InvalidDataException"/>.</param>
    public static BootMenu Parse(string source, string text, IReadOnlyDictionary<string, string> environment, BootLimits? limits = null)
    {
        limits ??= new BootLimits();
        if (text.Length > limits.MenuBytes)
        {
            throw new InvalidDataException($"it is {text.Length} characters; a boot menu may be at most {BootLimits.Bytes(limits.MenuBytes)}");
        }

        var variables = new Dictionary<string, string>(environment, StringComparer.Ordinal);
        var entries = new List<BootMenuEntry>();
        var lexer = new GrubLexer(text, limits.ExpansionChars);
        var stack = new Stack<Frame>();
        stack.Push(new Frame(FrameKind.Menu, []));
        while (lexer.Next(variables) is { } all)
        {
            // Unquoted variables that expanded to nothing are gone, as in GRUB; only --id detection reads them.
            List<GrubWord> words = all.Where(w => !w.Vanished).ToList();
            if (words.Count == 0)
            {
                continue;
            }

            Frame frame = stack.Peek();
            string command = words[0].Value;
            if (command == "}" && !words[0].Quoted)
            {
                if (stack.Count > 1)
                {
                    Frame closed = stack.Pop();
                    if (closed.Kind == FrameKind.Entry)
                    {
                        entries.Add(new BootMenuEntry(closed.Path, closed.Kernel, closed.Initrds, closed.Args));
                    }
                }

                continue;
            }

            if (words[^1].Value == "{" && !words[^1].Quoted)
            {
                if (stack.Count > limits.Depth)
                {
                    throw new InvalidDataException($"it nests blocks more than {limits.Depth} deep");
                }

                stack.Push(Open(frame, words, all));
                continue;
            }

            if (frame.Kind == FrameKind.Other)
            {
                continue;
            }

            if (frame.Kind == FrameKind.Entry && LinuxCommands.Contains(command) && words.Count > 1)
            {
                frame.Kernel = words[1].Value;
                frame.Args = KernelArgs.Join(words.Skip(2).Select(w => w.Value));
            }
            else if (frame.Kind == FrameKind.Entry && InitrdCommands.Contains(command))
            {
                frame.Initrds = words.Skip(1).Select(w => w.Value).ToList();
            }
            else
            {
                Assign(words, variables, limits.ValueChars);
            }
        }

        return new BootMenu(source, entries, variables.GetValueOrDefault("default", "0"));
    }

    private static Frame Open(Frame parent, List<GrubWord> words, List<GrubWord> all)
    {
        string command = words[0].Value;
        if (parent.Kind != FrameKind.Menu || command is not ("menuentry" or "submenu") || words.Count < 3)
        {
            // function bodies, and anything nested where no menu can be.
            return new Frame(FrameKind.Other, parent.Path);
        }

        var step = new MenuStep(parent.Children++, words[1].Value, MenuId(all));
        return new Frame(command == "menuentry" ? FrameKind.Entry : FrameKind.Menu, [.. parent.Path, step]);
    }

    /// <summary>
    /// The word after <c>--id</c>. Generated files write <c>$menuentry_id_option 'id'</c>, and that variable is
    /// set in an if/else this reader does not follow, so the raw text counts too.
    /// </summary>
    private static string? MenuId(List<GrubWord> words)
    {
        for (int i = 2; i < words.Count - 2; i++)
        {
            if (words[i].Value == "--id" || words[i].Raw is "$menuentry_id_option" or "${menuentry_id_option}")
            {
                return words[i + 1].Value;
            }

            if (words[i].Value.StartsWith("--id=", StringComparison.Ordinal))
            {
                return words[i].Value["--id=".Length..];
            }
        }

        return null;
    }

    /// <summary><c>set name=value</c> or <c>name=value</c>.</summary>
    private static void Assign(List<GrubWord> words, Dictionary<string, string> variables, int maxValue)
    {
        GrubWord? assignment = words[0].Value == "set" && words.Count > 1 ? words[1] : words.Count == 1 ? words[0] : null;
        if (assignment is null)
        {
            return;
        }

        int eq = assignment.Value.IndexOf('=', StringComparison.Ordinal);
        if (eq > 0 && assignment.Value[..eq].All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            if (assignment.Value.Length - eq - 1 > maxValue)
            {
                throw new InvalidDataException($"it sets {assignment.Value[..eq]} to more than {maxValue} characters");
            }

            variables[assignment.Value[..eq]] = assignment.Value[(eq + 1)..];
        }
    }

    private enum FrameKind
    {
        Menu,
        Entry,
        Other,
    }

    private sealed class Frame(FrameKind kind, IReadOnlyList<MenuStep> path)
    {
        public FrameKind Kind { get; } = kind;

        public IReadOnlyList<MenuStep> Path { get; } = path;

        public int Children { get; set; }

        public string? Kernel { get; set; }

        public IReadOnlyList<string> Initrds { get; set; } = [];

        public string Args { get; set; } = "";
    }
}
