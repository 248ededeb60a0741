using Microsoft.Playwright;

namespace Hospes.Integration.Tests.Web;

/// <summary>
/// Debian's chromium (setup.sh installs it), headless, driven by Playwright: never `playwright install`, whose browser
/// builds cannot be fetched here. A missing /usr/bin/chromium fails the test, naming the fix.
/// </summary>
internal sealed class Chromium : IAsyncDisposable
{
    public const string Path = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;

    private Chromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    /// <summary>Where screenshots go: the test output's screenshots/ folder.</summary>
    public static string Screenshots { get; } = Directory.CreateDirectory(System.IO.Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    /// <summary>Launches it; with <paramref name="netns"/>, inside that network namespace (a wrapper running
    /// `ip netns exec NS chromium`: Playwright talks to it over inherited pipes), to reach a hospesd listening there.</summary>
    public static async Task<Chromium> LaunchAsync(string? netns = null)
    {
        Assert.True(File.Exists(Path), $"{Path} is missing: the browser tests need Debian's chromium (./setup.sh installs it; apt-get install chromium)");
        string executable = Path;
        if (netns is not null)
        {
            executable = System.IO.Path.Combine(Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "hit-chromium-" + netns)).FullName, "chromium");
            await File.WriteAllTextAsync(executable, $"#!/bin/sh\nexec ip netns exec {netns} {Path} \"$@\"\n");
            File.SetUnixFileMode(executable, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        IPlaywright playwright = await Playwright.CreateAsync();
        IBrowser browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = executable,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"],
        });
        return new Chromium(playwright, browser);
    }

    /// <summary>A fresh browser profile (its own cookies) at 1280×800, taking hospesd's self-signed certificate.</summary>
    public async Task<IPage> NewPageAsync()
    {
        IBrowserContext context = await Browser.NewContextAsync(new() { IgnoreHTTPSErrors = true, ViewportSize = new() { Width = 1280, Height = 800 } });
        context.SetDefaultTimeout(30_000);
        IPage page = await context.NewPageAsync();
        var log = new List<string>();
        page.Console += (_, m) => log.Add($"console.{m.Type}: {m.Text}");
        page.PageError += (_, e) => log.Add($"page error: {e}");
        page.WebSocket += (_, ws) => ws.Close += (_, _) => log.Add($"websocket closed: {ws.Url}");
        Logs.AddOrUpdate(page, log);
        return page;
    }

    /// <summary>Runs <paramref name="steps"/>; a failure gets a screenshot (NAME-failure.png) and the page's own log in its message.</summary>
    public static async Task ExplainingAsync(IPage page, string name, Func<Task> steps)
    {
        try
        {
            await steps();
        }
        catch (Exception e) when (e is TimeoutException or PlaywrightException or Xunit.Sdk.XunitException)
        {
            await ShotAsync(page, $"{name}-failure");
            string log = Logs.TryGetValue(page, out List<string>? lines) ? string.Join("\n", lines) : "";
            throw new InvalidOperationException($"{e.Message}\nthe page's log:\n{log}\nscreenshot: {System.IO.Path.Combine(Screenshots, $"{name}-failure.png")}", e);
        }
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IPage, List<string>> Logs = [];

    public static Task ShotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = System.IO.Path.Combine(Screenshots, $"{name}.png"), FullPage = true });

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
