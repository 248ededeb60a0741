namespace Hospes.Testing;

/// <summary>Configs for the tiny guest and what it prints.</summary>
public static class Guest
{
    public const string Ready = "HOSPES-READY";

    /// <summary>A ticking counter in the guest's background, printed to the console every 0.2 s.</summary>
    public const string StartCounter = "i=0; while true; do i=$((i+1)); echo \"tick $i\"; sleep 0.2; done &";

    public static string Config(string name, string extra = "") => $"""
        name = "{name}"
        kernel = "image:tiny"
        memory = 192
        vcpus = 1
        {extra}
        """;

    /// <summary>Creates the VM from a config file with the real CLI and waits for the guest's ready marker.</summary>
    public static async Task<string> CreateAsync(Daemon d, string name, string extra = "")
    {
        string cfg = d.WriteConfig($"{name}.cfg", Config(name, extra));
        (await d.CliAsync("create", cfg)).Ok();
        await d.WaitForConsoleAsync(name, Ready);
        return cfg;
    }

    /// <summary>As <see cref="CreateAsync(Daemon, string, string)"/>, on <paramref name="host"/> of a cluster (`create --host`): not where the scheduler would put it.</summary>
    public static async Task<string> CreateOnAsync(Daemon d, string host, string name, string extra = "")
    {
        string cfg = d.WriteConfig($"{name}.cfg", Config(name, extra));
        (await d.CliAsync("create", cfg, "--host", host)).Ok();
        await d.WaitForConsoleAsync(name, Ready);
        return cfg;
    }

    /// <summary>
    /// The numbers of every "tick N" line in <paramref name="text"/>. The shell's prompt may land on a tick's line
    /// ("/ # tick 2") when the counter runs before the prompt is printed, so only the end of the line is anchored.
    /// </summary>
    public static IReadOnlyList<int> Ticks(string text) =>
        [.. System.Text.RegularExpressions.Regex.Matches(text, @"(?:^|\s)tick (\d+)\r?$", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];
}
