using Hospes.Cli.Commands;
using Hospes.Cli.Tests.Support;
using Hospes.Client.Tests.Support;

namespace Hospes.Cli.Tests.Commands;

/// <summary>`hospes remote` against a real HTTPS server (Kestrel, self-signed), with its store in a temp XDG_CONFIG_HOME.</summary>
public sealed class RemoteCommandsTests : IAsyncLifetime, IDisposable
{
    private const string Token = "hospes_0123456789abcdef_s3cr3tS3cr3t";

    private static readonly string[] Variables = ["XDG_CONFIG_HOME", "HOSPES_REMOTE", "HOSPES_SOCKET"];

    private readonly TempDir _dir = new();
    private readonly StubHandler _local = new();
    private readonly Dictionary<string, string?> _saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
    private readonly Func<string, bool>? _confirm = RemoteCommands.Confirm;
    private readonly Func<TextReader> _stdin = RemoteCommands.StandardInput;
    private BearerServer _server = null!;

    private string StoreFile => _dir.Combine("config", "hospes", "remotes.json");

    public async Task InitializeAsync()
    {
        foreach (string v in Variables)
        {
            Environment.SetEnvironmentVariable(v, null);
        }

        Environment.SetEnvironmentVariable("XDG_CONFIG_HOME", _dir.File("config"));
        RemoteCommands.Confirm = null;
        _server = await BearerServer.StartAsync(Token);
    }

    public async Task DisposeAsync()
    {
        foreach ((string v, string? value) in _saved)
        {
            Environment.SetEnvironmentVariable(v, value);
        }

        RemoteCommands.Confirm = _confirm;
        RemoteCommands.StandardInput = _stdin;
        await _server.DisposeAsync();
    }

    public void Dispose()
    {
        _local.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Add_WithAcceptCertificate_PinsTheServersCertificate_ChecksTheToken_AndStoresItOwnerOnly()
    {
        CliRun r = await Run("remote", "add", "course", Url, "--token", Token, "--accept-certificate");

        Assert.Equal(0, r.Exit);
        Assert.Contains($"the certificate of hospesd at 127.0.0.1:{_server.Url.Port} has SHA-256 fingerprint {_server.Fingerprint}", r.Stderr, StringComparison.Ordinal);
        Assert.Contains($"remote course added: {Url}, certificate {_server.Fingerprint[..16]}…, host remote-host", r.Stdout, StringComparison.Ordinal);
        Assert.Equal($"Bearer {Token}", Assert.Single(_server.Authorizations));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(StoreFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(StoreFile)!));
        Assert.Equal(["remotes.json"], Directory.GetFiles(Path.GetDirectoryName(StoreFile)!).Select(Path.GetFileName));
        string stored = File.ReadAllText(StoreFile);
        Assert.Contains(_server.Fingerprint, stored, StringComparison.Ordinal);
        Assert.Contains(Token, stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_NotOnATerminal_WithoutAcceptOrFingerprint_Refuses_NamingTheFingerprintAndTheFlag_AndStoresNothing()
    {
        CliRun r = await Run("remote", "add", "course", Url, "--token", Token);

        Assert.Equal(1, r.Exit);
        Assert.Contains($"not pinning the certificate of 127.0.0.1:{_server.Url.Port} (SHA-256 {_server.Fingerprint}) unasked", r.Stderr, StringComparison.Ordinal);
        Assert.Contains($"--fingerprint {_server.Fingerprint} (or --accept-certificate)", r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(StoreFile));
        Assert.Empty(_server.Authorizations);
    }

    [Fact]
    public async Task Add_OnATerminal_Asks_AndPinsOnYes_ButNotOnNo()
    {
        string? asked = null;
        RemoteCommands.Confirm = q =>
        {
            asked = q;
            return false;
        };
        CliRun no = await Run("remote", "add", "course", Url, "--token", Token);
        RemoteCommands.Confirm = _ => true;
        CliRun yes = await Run("remote", "add", "course", Url, "--token", Token);

        Assert.Equal((1, 0), (no.Exit, yes.Exit));
        Assert.EndsWith("[y/N] ", asked, StringComparison.Ordinal);
        Assert.Contains("not accepted; nothing was stored", no.Stderr, StringComparison.Ordinal);
        Assert.Contains(_server.Fingerprint, File.ReadAllText(StoreFile), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_WithTheTokenOnStdin_NeverAsks_AndStoresIt()
    {
        RemoteCommands.Confirm = _ => throw new InvalidOperationException("stdin carries the token: nobody to ask");
        RemoteCommands.StandardInput = () => new StringReader(Token + "\n");

        CliRun r = await Run("remote", "add", "course", Url, "--token-stdin", "--fingerprint", _server.Fingerprint.ToUpperInvariant());

        Assert.Equal(0, r.Exit);
        Assert.Equal($"Bearer {Token}", Assert.Single(_server.Authorizations));
        Assert.Contains(Token, File.ReadAllText(StoreFile), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_WithAnotherFingerprint_IsRefusedLoudly_AndStoresNothing()
    {
        CliRun r = await Run("remote", "add", "course", Url, "--token", Token, "--fingerprint", new string('c', 64));

        Assert.Equal(1, r.Exit);
        Assert.Contains("REMOTE HOST IDENTIFICATION HAS CHANGED", r.Stderr, StringComparison.Ordinal);
        Assert.Contains(_server.Fingerprint, r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(StoreFile));
    }

    [Fact]
    public async Task Add_WithATokenTheServerRefuses_SaysHowToGetOne_AndStoresNothing()
    {
        CliRun r = await Run("remote", "add", "course", Url, "--token", "hospes_ffffffffffffffff_wrong", "--accept-certificate");

        Assert.Equal(1, r.Exit);
        Assert.Contains("remote course not added: the server refused the credentials (unknown or revoked token); make a token on the server with `hospes token create USER` and give it with --token-stdin\n", r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(StoreFile));
    }

    [Fact]
    public async Task Add_WithAValidTokenWithoutHostRights_IsAdded_SayingSo()
    {
        _server.HostForbidden = true;

        CliRun r = await Run("remote", "add", "course", Url, "--token", Token, "--accept-certificate");

        Assert.Equal(0, r.Exit);
        Assert.Contains("your credentials are valid (they give no right to the host's own details", r.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(StoreFile));
    }

    [Theory]
    [InlineData("local", "https://h:8443", "that name means hospesd's unix socket")]
    [InlineData("9lives", "https://h:8443", "remote name '9lives' is not valid")]
    [InlineData("course", "http://h:8443", "remote URL 'http://h:8443' is not https://HOST:PORT")]
    [InlineData("course", "https://h:8443/v1", "is not https://HOST:PORT")]
    public async Task Add_WithABadNameOrUrl_IsRefused_BeforeAnyConnection(string name, string url, string message)
    {
        CliRun r = await Run("remote", "add", name, url, "--token", Token, "--accept-certificate");

        Assert.Equal(1, r.Exit);
        Assert.Contains(message, r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(StoreFile));
    }

    [Fact]
    public async Task Add_WithoutACredential_IsRefused_NamingTheWays()
    {
        CliRun r = await Run("remote", "add", "course", Url, "--accept-certificate");

        Assert.Equal(1, r.Exit);
        Assert.Contains("--token-stdin (or --token TOKEN), made on that host with `hospes token create USER`", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_OfANameTaken_IsRefused()
    {
        await AddCourse();

        CliRun r = await Run("remote", "add", "course", Url, "--token", Token, "--accept-certificate");

        Assert.Equal(1, r.Exit);
        Assert.Contains("remote course exists", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_ShowsTheRemotes_AndTheCurrentOne_NeverTheToken()
    {
        await AddCourse();
        CliRun before = await Run("remote", "list");
        await Run("remote", "switch", "course");
        CliRun after = await Run("remote", "list");
        CliRun json = await Run("remote", "list", "--format", "json");

        Assert.Matches(@"(?m)^local \*\s+unix:", before.Stdout);
        Assert.Matches($@"(?m)^course\s+{Url}\s+{_server.Fingerprint[..16]}\s+token hospes_0123456789abcdef_…$", before.Stdout);
        Assert.Matches(@"(?m)^course \*\s", after.Stdout);
        Assert.Contains("\"current\": true", json.Stdout, StringComparison.Ordinal);
        Assert.All(new[] { before, after, json }, r => Assert.DoesNotContain("s3cr3t", r.Stdout, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Show_HasTheWholeFingerprint_NotTheToken()
    {
        await AddCourse();

        CliRun r = await Run("remote", "show", "course");

        Assert.Contains(_server.Fingerprint, r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Switch_SendsEveryCommandToTheRemote_WithTheToken_UntilSwitchLocal()
    {
        await AddCourse();
        _server.Authorizations.Clear();

        await Run("remote", "switch", "course");
        CliRun remote = await Run("list");
        await Run("remote", "switch", "local");
        _local.On("GET", "/v1/vms", "[]");
        CliRun local = await Run("list");

        Assert.Equal((0, 0), (remote.Exit, local.Exit));
        Assert.Equal($"Bearer {Token}", Assert.Single(_server.Authorizations));
        Assert.Equal("GET /v1/vms", Assert.Single(_local.Requests).Request);
    }

    [Fact]
    public async Task TheRemoteOption_BeatsTheCurrentOne_AndTheEnvironment_AndLocalIsTheSocket()
    {
        await AddCourse();
        _server.Authorizations.Clear();
        _local.On("GET", "/v1/vms", "[]");

        await Run("remote", "switch", "course");
        await Run("--remote", "local", "list");
        Environment.SetEnvironmentVariable("HOSPES_REMOTE", "local");
        await Run("list");
        await Run("list", "--remote", "course");

        Assert.Equal(2, _local.Requests.Count);
        Assert.Single(_server.Authorizations);
    }

    [Fact]
    public async Task AnUnknownRemote_IsRefused_NamingTheKnownOnes()
    {
        await AddCourse();

        CliRun r = await Run("--remote", "lab", "list");

        Assert.Equal(1, r.Exit);
        Assert.Contains("no remote lab (the remotes are course, and local)", r.Stderr, StringComparison.Ordinal);
        Assert.Empty(_local.Requests);
    }

    [Fact]
    public async Task Remove_ForgetsTheRemote_AndTheCurrentOneGoesBackToTheSocket()
    {
        await AddCourse();
        await Run("remote", "switch", "course");

        CliRun r = await Run("remote", "remove", "course");
        CliRun again = await Run("remote", "remove", "course");

        Assert.Equal("remote course removed; commands go to hospesd's unix socket again\n", r.Stdout);
        Assert.DoesNotContain("course", File.ReadAllText(StoreFile), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(StoreFile));
        Assert.Contains("no remote course (there are no remotes)", again.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMalformedStore_IsAnError_NamingTheFileAndTheLine()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(StoreFile)!);
        File.WriteAllText(StoreFile, "{\n  \"current\": null,\n  \"remotes\": {\n    \"course\": { \"url\": \"https://h:1\" \n  }\n");

        CliRun list = await Run("remote", "list");
        CliRun command = await Run("list");

        Assert.Equal((1, 1), (list.Exit, command.Exit));
        Assert.StartsWith($"hospes: {StoreFile}:", list.Stderr, StringComparison.Ordinal);
        Assert.Contains("malformed remotes file", list.Stderr, StringComparison.Ordinal);
        Assert.Contains($"{StoreFile}:", command.Stderr, StringComparison.Ordinal);
        Assert.Empty(_local.Requests);
    }

    [Fact]
    public async Task AStoreWithABadFingerprint_IsAnError_NamingTheRemote()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(StoreFile)!);
        File.WriteAllText(StoreFile, """{ "remotes": { "course": { "url": "https://h:1", "fingerprint": "abc" } } }""");

        CliRun r = await Run("remote", "list");

        Assert.Contains($"hospes: {StoreFile}: remote course: fingerprint abc is not 64 hex digits", r.Stderr, StringComparison.Ordinal);
    }

    private string Url => $"https://127.0.0.1:{_server.Url.Port}";

    private async Task AddCourse()
    {
        CliRun r = await Run("remote", "add", "course", Url, "--token", Token, "--accept-certificate");
        Assert.True(r.Exit == 0, r.Stderr);
    }

    private Task<CliRun> Run(params string[] args) => CliRunner.RunAsync(_local, args);
}
