using System.Text;
using System.Text.Json.Nodes;

namespace Hospes.Qemu.Qga;

/// <summary>Reads the agent's replies into records. A field of the wrong type throws (InvalidOperationException), which the client turns into one clear error.</summary>
internal static class QgaReplies
{
    /// <summary>The longest text taken from the guest for one field (a host name, an OS name).</summary>
    private const int MaxText = 1024;

    public static string? Text(JsonNode? node, string key) =>
        node is JsonObject o && o[key] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    /// <summary>A guest's text as a terminal may print it: no control characters, bounded.</summary>
    public static string Printable(string text)
    {
        var b = new StringBuilder(Math.Min(text.Length, MaxText));
        foreach (char c in text.Length > MaxText ? text[..MaxText] : text)
        {
            b.Append(char.IsControl(c) ? '?' : c);
        }

        return b.ToString();
    }

    public static QgaAgentInfo? AgentInfo(JsonNode? node)
    {
        if (node is not JsonObject o || Text(o, "version") is not { } version)
        {
            return null;
        }

        var enabled = new List<string>();
        foreach (JsonNode? c in o["supported_commands"] as JsonArray ?? [])
        {
            if (Text(c, "name") is { } name && (c?["enabled"]?.GetValue<bool>() ?? false))
            {
                enabled.Add(Printable(name));
            }
        }

        return new QgaAgentInfo(Printable(version), enabled);
    }

    public static QgaOsInfo? OsInfo(JsonNode? node) => node is not JsonObject o ? null : new QgaOsInfo
    {
        Id = Clean(Text(o, "id")),
        Name = Clean(Text(o, "name")),
        PrettyName = Clean(Text(o, "pretty-name")),
        Version = Clean(Text(o, "version")),
        KernelRelease = Clean(Text(o, "kernel-release")),
        KernelVersion = Clean(Text(o, "kernel-version")),
        Machine = Clean(Text(o, "machine")),
    };

    public static IReadOnlyList<QgaInterface>? Interfaces(JsonNode? node)
    {
        if (node is not JsonArray list)
        {
            return null;
        }

        var interfaces = new List<QgaInterface>();
        foreach (JsonNode? i in list)
        {
            if (Text(i, "name") is not { } name)
            {
                return null;
            }

            var addresses = new List<QgaAddress>();
            foreach (JsonNode? a in i!["ip-addresses"] as JsonArray ?? [])
            {
                if (Text(a, "ip-address") is not { } address || Text(a, "ip-address-type") is not { } type)
                {
                    return null;
                }

                addresses.Add(new QgaAddress(Printable(type), Printable(address), a!["prefix"]?.GetValue<int>() ?? 0));
            }

            interfaces.Add(new QgaInterface(Printable(name), Clean(Text(i, "hardware-address")), addresses));
        }

        return interfaces;
    }

    public static int? Pid(JsonNode? node) => node?["pid"]?.GetValue<int>();

    /// <summary>guest-exec-status: null while the command runs.</summary>
    public static (bool Exited, QgaExecResult Result)? ExecStatus(JsonNode? node, int pid)
    {
        if (node is not JsonObject o || o["exited"] is not JsonValue exited)
        {
            return null;
        }

        var result = new QgaExecResult
        {
            Pid = pid,
            ExitCode = o["exitcode"]?.GetValue<int>(),
            Signal = o["signal"]?.GetValue<int>(),
            Stdout = Text(o, "out-data") is { } stdout ? Convert.FromBase64String(stdout) : [],
            Stderr = Text(o, "err-data") is { } stderr ? Convert.FromBase64String(stderr) : [],
            StdoutTruncated = o["out-truncated"]?.GetValue<bool>() ?? false,
            StderrTruncated = o["err-truncated"]?.GetValue<bool>() ?? false,
        };
        return (exited.GetValue<bool>(), result);
    }

    private static string? Clean(string? text) => text is null ? null : Printable(text);
}
