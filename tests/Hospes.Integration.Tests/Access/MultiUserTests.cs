using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Access;

/// <summary>
/// Issue 14 as its users meet it: hospesd on loopback HTTPS, two projects (lab1 with limits, lab2), an admin on the
/// unix socket, a teacher (ProjectAdmin of lab1 through group teachers), a student (LabStudent on one VM) and an
/// outsider (no rights), each with a token and their own `hospes remote` configuration, driven through the real CLI.
/// </summary>
public sealed partial class MultiUserTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private Daemon _d = null!;
    private string _address = "";
    private readonly Dictionary<string, string> _homes = [];

    public async Task InitializeAsync()
    {
        _address = $"127.0.0.1:{FreePort()}";
        _d = await Daemon.StartAsync(image, null, "--listen", _address);
        await AdminAsync("project", "create", "lab1", "--limit", "vms=3", "--limit", "memory=256M");
        await AdminAsync("project", "create", "lab2");
        foreach (string user in new[] { "teacher", "student", "outsider" })
        {
            await AdminAsync("user", "create", user);
        }

        await AdminAsync("group", "create", "teachers");
        await AdminAsync("group", "add", "teachers", "teacher");
        await AdminAsync("acl", "set", "/projects/lab1", "--group", "teachers", "--role", "ProjectAdmin");
        await AdminAsync("acl", "set", "/images", "--group", "teachers", "--role", "DatastoreUser");

        // lab2 holds the admin's own VM, which nobody else may see.
        (await _d.CliAsync("define", "--project", "lab2", _d.WriteConfig("secret.cfg", Guest.Config("secret")))).Ok();

        foreach (string user in new[] { "teacher", "student", "outsider" })
        {
            string token = (await AdminAsync("token", "create", user, "--name", "cli")).Stdout.Trim();
            Assert.Matches(TokenShape(), token);
            _homes[user] = Directory.CreateTempSubdirectory("ht-remote-").FullName;
            CliResult added = await AsAsync(user, null, "remote", "add", "course", $"https://{_address}", "--token", token, "--accept-certificate");
            added.Ok();
        }
    }

    public async Task DisposeAsync()
    {
        await _d.DisposeAsync();
        foreach (string home in _homes.Values)
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task ATeacherRunsTheirProject_AStudentTheirVm_AnOutsiderNothing_AndEachRefusalSaysWhy()
    {
        // The teacher makes the group's VM in lab1 and hands it to the student.
        (await AsAsync("teacher", null, "define", "--project", "lab1", _d.WriteConfig("team3-ce.cfg", Guest.Config("team3-ce")))).Ok();
        (await AsAsync("teacher", null, "acl", "set", "/projects/lab1/vms/team3-ce", "--user", "student", "--role", "LabStudent")).Ok();

        // Nobody grants more than they hold.
        string granting = (await AsAsync("teacher", null, "acl", "set", "/", "--user", "student", "--role", "Admin")).Fails();
        Assert.Contains("Permissions.Modify", granting, StringComparison.Ordinal);

        // Lists are filtered per object: the student sees their VM, the outsider nothing, the teacher lab1 only.
        Assert.Equal(["team3-ce"], Names((await AsAsync("student", null, "list")).Ok().Stdout));
        Assert.Empty(Names((await AsAsync("outsider", null, "list")).Ok().Stdout));
        Assert.Equal(["team3-ce"], Names((await AsAsync("teacher", null, "list")).Ok().Stdout));

        // The student may power their VM and read its console; not delete it, not touch another's.
        (await AsAsync("student", null, "start", "team3-ce")).Ok();
        await _d.WaitForConsoleAsync("team3-ce", Guest.Ready);
        Assert.Contains(Guest.Ready, (await AsAsync("student", null, "console", "team3-ce", "--show-log")).Ok().Stdout, StringComparison.Ordinal);
        string delete = (await AsAsync("student", null, "delete", "team3-ce")).Fails();
        Assert.Contains("student!cli may not DELETE /v1/vms/{name}: it needs VM.Allocate on /projects/lab1/vms/team3-ce", delete, StringComparison.Ordinal);
        string secret = (await AsAsync("student", null, "info", "secret")).Fails();
        Assert.Contains("VM.Audit on /projects/lab2/vms/secret", secret, StringComparison.Ordinal);
        string outsider = (await AsAsync("outsider", null, "info", "team3-ce")).Fails();
        Assert.Contains("outsider!cli may not GET /v1/vms/{name}", outsider, StringComparison.Ordinal);
        (await AsAsync("student", null, "destroy", "team3-ce")).Ok();

        // The audit log has who did what, from where, and the refusals.
        string audit = (await AdminAsync("audit", "--user", "student")).Stdout;
        Assert.Contains("/v1/vms/team3-ce/start", audit, StringComparison.Ordinal);
        Assert.Contains("403", audit, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheEventStream_ShowsEachUserOnlyWhatTheyMaySee()
    {
        (await AsAsync("teacher", null, "define", "--project", "lab1", _d.WriteConfig("team3-ce.cfg", Guest.Config("team3-ce")))).Ok();
        (await AsAsync("teacher", null, "acl", "set", "/projects/lab1/vms/team3-ce", "--user", "student", "--role", "LabStudent")).Ok();
        string token = (await AdminAsync("token", "create", "student", "--name", "events")).Stdout.Trim();
        using HttpClient http = Https();
        http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        using HttpResponseMessage stream = await http.GetAsync(new Uri($"https://{_address}/v1/events"), HttpCompletionOption.ResponseHeadersRead, limit.Token);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(limit.Token));

        // The admin's VM in lab2 comes and changes first, then the student's; the student's stream has only theirs.
        (await _d.CliAsync("define", "--project", "lab2", _d.WriteConfig("other.cfg", Guest.Config("other")))).Ok();
        (await _d.CliAsync("delete", "other")).Ok();
        (await AsAsync("student", null, "start", "team3-ce")).Ok();
        var seen = new List<string>();
        while (await reader.ReadLineAsync(limit.Token) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            seen.Add(line);
            if (line.Contains("\"team3-ce\"", StringComparison.Ordinal) && line.Contains("\"running\"", StringComparison.Ordinal))
            {
                break;
            }
        }

        Assert.Contains(seen, l => l.Contains("\"team3-ce\"", StringComparison.Ordinal));
        Assert.DoesNotContain(seen, l => l.Contains("other", StringComparison.Ordinal) || l.Contains("secret", StringComparison.Ordinal));
        (await AsAsync("student", null, "destroy", "team3-ce")).Ok();
    }

    [Fact]
    public async Task AUserWhoIsNotAnAdmin_CannotNameHostPathsOrDevices_AndNothingIsLeft()
    {
        int folders = _d.VmDirs().Count;
        string kernel = _d.WriteConfig("k.cfg", "name = \"k\"\nkernel = \"/boot/vmlinuz\"\nmemory = 192\n");
        string kernelRefused = (await AsAsync("teacher", null, "define", "--project", "lab1", kernel)).Fails();
        Assert.Contains("kernel: '/boot/vmlinuz' is a path on this host", kernelRefused, StringComparison.Ordinal);
        Assert.Contains("who is not an admin", kernelRefused, StringComparison.Ordinal);

        // Whether a host file exists is not told: a missing one is refused with the same words.
        string missing = (await AsAsync("teacher", null, "define", "--project", "lab1", _d.WriteConfig("m.cfg", "name = \"m\"\nkernel = \"/boot/no-such-kernel\"\nmemory = 192\n"))).Fails();
        Assert.Contains("kernel: '/boot/no-such-kernel' is a path on this host", missing, StringComparison.Ordinal);

        string disk = _d.WriteConfig("d.cfg", Guest.Config("d", "disk = [ 'phy:/dev/sda,xvda,w' ]"));
        string diskRefused = (await AsAsync("teacher", null, "define", "--project", "lab1", disk)).Fails();
        Assert.Contains("/dev/sda", diskRefused, StringComparison.Ordinal);

        string accel = _d.WriteConfig("a.cfg", Guest.Config("a", "accel = 'kvm'"));
        Assert.Contains("accelerator", (await AsAsync("teacher", null, "define", "--project", "lab1", accel)).Fails(), StringComparison.Ordinal);

        // Nothing was made: no VM, no VM folder.
        Assert.DoesNotContain(await _d.ListAsync(), v => v.Name is "k" or "d" or "a" or "m");
        Assert.Equal(folders, _d.VmDirs().Count);
    }

    [Fact]
    public async Task QuotasRefuseWithTheArithmetic_AtCreateAndStart()
    {
        for (int i = 1; i <= 3; i++)
        {
            (await AsAsync("teacher", null, "define", "--project", "lab1", _d.WriteConfig($"q{i}.cfg", Guest.Config($"q{i}")))).Ok();
        }

        string fourth = (await AsAsync("teacher", null, "define", "--project", "lab1", _d.WriteConfig("q4.cfg", Guest.Config("q4")))).Fails();
        Assert.Contains("project lab1: 3 of 3 VMs used", fourth, StringComparison.Ordinal);
        Assert.Contains("would make 4", fourth, StringComparison.Ordinal);
        Assert.DoesNotContain(await _d.ListAsync(), v => v.Name == "q4");

        // memory=256M: one 192 MiB guest runs, a second would make 384 MiB.
        (await AsAsync("teacher", null, "start", "q1")).Ok();
        string second = (await AsAsync("teacher", null, "start", "q2")).Fails();
        Assert.Contains("project lab1: 192 MiB of 256 MiB memory used", second, StringComparison.Ordinal);
        Assert.Contains("would make 384 MiB", second, StringComparison.Ordinal);
        (await AsAsync("teacher", null, "destroy", "q1")).Ok();
    }

    [Fact]
    public async Task ARevokedOrExpiredToken_IsRefusedAtOnce_AndNoCredentialsAre401()
    {
        (await AsAsync("outsider", null, "list")).Ok();
        (await AdminAsync("token", "revoke", "outsider", "cli")).Ok();
        string revoked = (await AsAsync("outsider", null, "list")).Fails();
        Assert.Contains("token", revoked, StringComparison.Ordinal);

        string soon = DateTimeOffset.UtcNow.AddSeconds(2).ToString("o", System.Globalization.CultureInfo.InvariantCulture);
        string shortLived = (await AdminAsync("token", "create", "outsider", "--name", "brief", "--expires", soon)).Stdout.Trim();
        await Task.Delay(TimeSpan.FromSeconds(3));
        using HttpClient http = Https();
        http.DefaultRequestHeaders.Authorization = new("Bearer", shortLived);
        HttpResponseMessage expired = await http.GetAsync(new Uri($"https://{_address}/v1/vms"));
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Contains("expired", await expired.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using HttpClient anonymous = Https();
        HttpResponseMessage none = await anonymous.GetAsync(new Uri($"https://{_address}/v1/vms"));
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.NotEmpty(none.Headers.WwwAuthenticate);
    }

    [Fact]
    public async Task ManyFailedLoginsFromOneAddress_AreRateLimited()
    {
        using HttpClient http = Https();
        HttpStatusCode last = HttpStatusCode.OK;
        for (int i = 0; i < 30 && last != HttpStatusCode.TooManyRequests; i++)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("teacher:wrong"u8.ToArray()));
            last = (await http.GetAsync(new Uri($"https://{_address}/v1/vms"))).StatusCode;
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, last);
    }

    [Fact]
    public async Task EveryRouteOfTheOpenApiDocument_AsAnonymousOrAUserWithoutRights_IsRefused_NeverAnotherProjectsData()
    {
        string outsiderToken = (await AdminAsync("token", "create", "outsider", "--name", "walk")).Stdout.Trim();
        string document = (await Run.ProcessAsync("curl", ["-sS", "--fail", "--unix-socket", _d.Socket, "http://hospesd/v1/openapi.json"])).Ok().Stdout;
        using JsonDocument doc = JsonDocument.Parse(document);
        using HttpClient anonymous = Https();
        using HttpClient outsider = Https();
        outsider.DefaultRequestHeaders.Authorization = new("Bearer", outsiderToken);
        string[] anyUserWrites = ["/v1/config/check", "/v1/access/acl", "/v1/access/acl/remove"];
        var failures = new List<string>();
        int walked = 0;
        foreach (JsonProperty path in doc.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (JsonProperty operation in path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "delete"))
            {
                string method = operation.Name.ToUpperInvariant();
                string url = $"https://{_address}{Fill(path.Name)}?name=secret";
                bool peer = path.Name.StartsWith("/v1/peer", StringComparison.Ordinal);
                foreach ((string who, HttpClient http) in new[] { ("anonymous", anonymous), ("outsider", outsider) })
                {
                    walked++;
                    using var request = new HttpRequestMessage(new HttpMethod(method), url);
                    if (method is "POST" or "PUT")
                    {
                        request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                    }

                    using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                    using HttpResponseMessage r = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, limit.Token);
                    int status = (int)r.StatusCode;
                    string body = await ReadSomeAsync(r);
                    string seen = $"{who} {method} {path.Name}: {status} {body[..Math.Min(body.Length, 200)]}";
                    bool ok = who == "anonymous"
                        ? peer ? status is >= 400 and < 500 : status == 401
                        : status is 401 or 403 or 404
                            || (method == "GET" && status is >= 200 and < 300)
                            || (peer && status is >= 400 and < 500)
                            || (anyUserWrites.Contains(path.Name) && status is 400);
                    if (!ok || body.Contains("secret", StringComparison.Ordinal) && status is >= 200 and < 300)
                    {
                        failures.Add(seen);
                    }
                }
            }
        }

        Assert.True(walked > 150, $"only {walked} requests: the OpenAPI document lacks routes");
        Assert.Empty(failures);
    }

    /// <summary>A route template with every parameter filled with the admin's lab2 objects (or harmless values).</summary>
    private static string Fill(string template) => ParameterPattern().Replace(template, m => m.Groups[1].Value switch
    {
        "name" or "vm" => "secret",
        "snapshot" => "s1",
        "protocol" => "tcp",
        "hostPort" => "2222",
        "port" => "22",
        "kind" => "tiny",
        "id" => "00000000-0000-0000-0000-000000000001",
        "fingerprint" => new string('a', 64),
        "token" => "cli",
        "user" => "teacher",
        var other => other,
    });

    /// <summary>The start of an answer (a stream such as /v1/events never ends: its first bytes, then it is dropped).</summary>
    private static async Task<string> ReadSomeAsync(HttpResponseMessage r)
    {
        await using Stream stream = await r.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        int total = 0;
        try
        {
            int n;
            while (total < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(total), limit.Token)) > 0)
            {
                total += n;
            }
        }
        catch (OperationCanceledException)
        {
        }

        return Encoding.UTF8.GetString(buffer, 0, total);
    }

    [GeneratedRegex(@"\{([A-Za-z]+)(?::[a-z]+)?\}")]
    private static partial Regex ParameterPattern();

    /// <summary>HTTPS to this hospesd, its certificate accepted by its pinned fingerprint only.</summary>
    private HttpClient Https()
    {
        using X509Certificate2 own = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_d.StateDir, "tls", "server.crt")));
        byte[] pinned = own.RawData;
        return new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new() { RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetRawCertData().AsSpan().SequenceEqual(pinned) },
        });
    }

    private Task<CliResult> AdminAsync(params string[] args) => _d.CliAsync(args).ContinueWith(t => t.Result.Ok(), TaskScheduler.Default);

    /// <summary>`hospes --remote course ARGS` as <paramref name="user"/>, with their own remotes file (`remote` commands as they are).</summary>
    private Task<CliResult> AsAsync(string user, string? stdin, params string[] args) =>
        Run.ProcessAsync(
            Repo.Hospes,
            args[0] == "remote" ? args : ["--remote", "course", .. args],
            new Dictionary<string, string> { ["XDG_CONFIG_HOME"] = _homes[user], ["HOME"] = _homes[user], ["HOSPES_SOCKET"] = "", ["HOSPES_REMOTE"] = "" },
            stdin,
            TimeSpan.FromMinutes(2));

    private static string[] Names(string table) =>
        [.. table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0])];

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    [GeneratedRegex("^hospes_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$")]
    private static partial Regex TokenShape();
}

