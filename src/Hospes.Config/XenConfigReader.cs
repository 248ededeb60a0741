using Hospes.Config.Reading;
using Hospes.Config.Syntax;

namespace Hospes.Config;

/// <summary>Reads an xl.cfg / xm config file (plus command-line overrides) into a <see cref="Core.Vms.VmSpec"/>.</summary>
public static class XenConfigReader
{
    // Order matters: the command line needs the disks (root= rewriting) and the boot mode; vifs need the boot mode (an
    // HVM guest's default NIC is emulated).
    private static readonly IKeyGroup[] Groups =
    [
        new IdentityKeys(),
        new MemoryKeys(),
        new CpuKeys(),
        new DiskKeys(),
        new PciKeys(),
        new BootKeys(),
        new VifKeys(),
        new CommandLineKeys(),
        new LifecycleKeys(),
        new MachineKeys(),
        new PlatformKeys(),
        new DisplayKeys(),
        new ConsoleKeys(),
        new TableKeys(),
        new UnknownKeys(),
        new UnquotedValues(),
    ];

    /// <summary>
    /// Reports every problem of the file in one run. Expected failures are diagnostics, never exceptions;
    /// the spec is null when any diagnostic is an error.
    /// </summary>
    public static ConfigReadResult Read(XenConfigSource source, ConfigReadOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);

        var diagnostics = new DiagnosticBag(options.StrictHost);
        if (source.Text.Length > ConfigLimits.MaxChars)
        {
            diagnostics.Error(
                Position(source.Text, ConfigLimits.MaxChars, source.FilePath),
                "",
                $"the file is {source.Text.Length} characters long; a config may have at most {ConfigLimits.MaxChars} (xl configs are a few KiB); check that this is the config you meant");
            return new ConfigReadResult(null, diagnostics.ToSortedList(source.FilePath));
        }

        ConfigDocument document = Parser.Parse(source.Text, source.FilePath, diagnostics);
        List<ConfigSetting> overrides = OverrideParser.Parse(source.Overrides, diagnostics);
        ConfigSetting[] all = [.. document.Settings, .. overrides];
        var settings = new SettingTable(all, diagnostics);

        string fullPath = Path.GetFullPath(source.FilePath);
        string baseDirectory = Path.GetDirectoryName(fullPath) ?? fullPath;
        var context = new ReadContext(all, settings, document.BrokenKeys, diagnostics, options.Host, source.FilePath, baseDirectory);
        foreach (IKeyGroup group in Groups)
        {
            group.Read(context);
        }

        return new ConfigReadResult(
            diagnostics.HasErrors ? null : context.Draft.ToSpec(fullPath),
            diagnostics.ToSortedList(source.FilePath));
    }

    /// <summary>Line and column of the character at <paramref name="offset"/>.</summary>
    private static SourceLocation Position(string text, int offset, string file)
    {
        int lineStart = text.LastIndexOf('\n', offset - 1) + 1;
        int line = 1 + text.AsSpan(0, lineStart).Count('\n');
        return new SourceLocation(file, line, offset - lineStart + 1);
    }
}
