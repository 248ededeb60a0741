using Hospes.Config;

namespace Hospes.Config.Tests.TestSupport;

/// <summary>Reads configs the way tests need them: inline text or fixture files, on a fake host.</summary>
public static class Configs
{
    /// <summary>Inline configs live in /vms so relative paths resolve somewhere predictable.</summary>
    public const string InlinePath = "/vms/web.cfg";

    public static string FixturePath(params string[] parts) =>
        Path.Combine([AppContext.BaseDirectory, "Fixtures", .. parts]);

    public static ConfigReadResult Read(string text, FakeHost? host = null, bool strict = false, string path = InlinePath, params string[] overrides) =>
        XenConfigReader.Read(
            new XenConfigSource(text, path) { Overrides = overrides },
            new ConfigReadOptions { StrictHost = strict, Host = host ?? new FakeHost() });

    public static ConfigReadResult ReadFixture(string[] parts, FakeHost host, bool strict = false)
    {
        string path = FixturePath(parts);
        return XenConfigReader.Read(
            new XenConfigSource(File.ReadAllText(path), path),
            new ConfigReadOptions { StrictHost = strict, Host = host });
    }

    /// <summary>A minimal valid PV config with a kernel that exists on <see cref="Host"/>.</summary>
    public const string Minimal = "name = 'web'\nkernel = '/boot/vmlinuz'\n";

    public static FakeHost Host() => new FakeHost().With("/boot/vmlinuz", "/boot/initrd.img", "/images/web.img");

    public static string[] Errors(this ConfigReadResult result) =>
        [.. result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString())];

    public static string[] Warnings(this ConfigReadResult result) =>
        [.. result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning).Select(d => d.ToString())];

    public static string[] Messages(this ConfigReadResult result) => [.. result.Diagnostics.Select(d => d.Message)];
}
