namespace Hospes.Testing;

/// <summary>Runs one command in a guest's console shell and returns what it printed between two markers.</summary>
public static class GuestShell
{
    /// <remarks>The last line break is not part of the result.</remarks>
    public static async Task<string> RunAsync(Daemon d, string vm, string command, TimeSpan? limit = null)
    {
        string tag = Guid.NewGuid().ToString("N")[..8];
        await using GuestConsole console = await d.OpenConsoleAsync(vm);
        await console.SendLineAsync($"echo B{tag}; {command}; echo E{tag}");
        System.Text.RegularExpressions.Match m = await console.WaitForAsync($@"(?s)\nB{tag}\r?\n(?:(.*?)\r?\n)?E{tag}\r?$", limit ?? TimeSpan.FromSeconds(60));
        return m.Groups[1].Value.Replace("\r", "", StringComparison.Ordinal);
    }
}
