using Hospes.Config.Reading;
using Hospes.Config.Reading.Vifs;
using Hospes.Config.Syntax;
using Hospes.Core.Vms;

namespace Hospes.Config;

/// <summary>
/// One device spec as `xl block-attach` takes it ('file:/srv/data.img,xvdb,w'), read by the same rules as a config's
/// disk = [ ... ] entry, so a spec means the same on the command line as in a file.
/// </summary>
public static class XenDeviceReader
{
    /// <summary>The disk, or null with the errors (the diagnostics name <paramref name="what"/> as their file).</summary>
    /// <param name="baseDirectory">What a relative path is relative to (the caller's working directory).</param>
    public static (DiskSpec? Disk, IReadOnlyList<ConfigDiagnostic> Diagnostics) ReadDisk(string entry, string what, string baseDirectory, ConfigReadOptions options)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(options);
        var diagnostics = new DiagnosticBag(options.StrictHost);
        if (entry.Contains('\'', StringComparison.Ordinal) || entry.Contains('\n', StringComparison.Ordinal) || entry.Contains('\\', StringComparison.Ordinal))
        {
            return (null, [new ConfigDiagnostic(DiagnosticSeverity.Error, what, 0, 0, entry, $"disk '{entry}': quotes, backslashes and line breaks cannot be part of a disk spec; write it as in a config's disk list, e.g. 'file:/srv/data.img,xvdb,w'")]);
        }

        ConfigDocument document = Parser.Parse($"disk = [ '{entry}' ]\n", what, diagnostics);
        ConfigSetting[] all = [.. document.Settings];
        var settings = new SettingTable(all, diagnostics);
        var context = new ReadContext(all, settings, document.BrokenKeys, diagnostics, options.Host, what, baseDirectory);
        new DiskKeys().Read(context);
        IReadOnlyList<ConfigDiagnostic> found = diagnostics.ToSortedList(what);
        return (diagnostics.HasErrors ? null : context.Draft.Disks.SingleOrDefault(), found);
    }

    /// <summary>
    /// One vif as `xl network-attach` takes it ('bridge=lab0,mac=52:54:00:12:34:56,ip=10.0.0.9,model=e1000'), read by
    /// the rules of a config's vif = [ ... ] entry. A NIC without model= is a virtio-net one: only a PCI NIC can be
    /// plugged into a running guest, and a guest that boots with a config's rtl8139 default keeps that.
    /// </summary>
    /// <returns>The vif (its Source the entry), or null and the errors; the warnings either way (what QEMU ignores).</returns>
    public static (VifSpec? Vif, IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings) ReadVif(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        string text = entry.Trim();
        if (text.Contains('\'', StringComparison.Ordinal) || text.Contains('\n', StringComparison.Ordinal) || text.Contains('"', StringComparison.Ordinal))
        {
            return (null, [$"vif '{text}': quotes and line breaks cannot be part of a vif spec; write it as in a config's vif list, e.g. 'bridge=lab0,mac=52:54:00:12:34:56'"], []);
        }

        ParsedVif vif = VifSpecParser.Parse(text);
        IReadOnlyList<string> errors = [.. vif.Errors.Select(e => $"vif '{text}': {e}")];
        IReadOnlyList<string> warnings = [.. vif.Warnings.Select(w => $"vif '{text}': {w}")];
        return (errors.Count > 0 ? null : vif.Spec with { Source = text }, errors, warnings);
    }
}
