using System.CommandLine;
using Hospes.Api;
using Hospes.Core.Errors;
using Hospes.Host;
using Hospes.Host.Ha;
using Hospes.Host.Memory;
using Hospes.Host.Settings;

// The fence guard: a process of its own that hospesd starts (under setsid) in a cluster with HA VMs; no options, no host.
if (args is ["--fence-guard", string guarded])
{
    return await FenceGuardMain.RunAsync(guarded, CancellationToken.None);
}

var stateDir = new Option<string>("--state-dir") { Description = "Where the state DB, VM logs and images live", DefaultValueFactory = _ => HostOptions.DefaultStateDir };
var socket = new Option<string>("--socket") { Description = "The API's unix socket", DefaultValueFactory = _ => HostOptions.DefaultSocket };
var runDir = new Option<string?>("--run-dir") { Description = "Where VM sockets go (default: the API socket's folder)" };
var qemu = new Option<string?>("--qemu") { Description = "qemu-system-x86_64 to use (default: the one on PATH)" };
var config = new Option<string?>("--config") { Description = $"Settings file (`key = value` lines; default {HostSettings.DefaultPath} if it exists)" };
var overcommit = new Option<string?>("--memory-overcommit-ratio") { Description = "memory.overcommit_ratio: committed guest memory may reach this many times the host's RAM (default 2.0)" };
var policy = new Option<string?>("--memory-policy") { Description = "memory.policy: off, or balance (reclaim from idle guests under host memory pressure; default)" };
var reserve = new Option<string?>("--memory-reserve-mib") { Description = "memory.reserve_mib: memory the host keeps for itself (default 5 % of RAM, 512 MiB to 2 GiB)" };
var ksm = new Option<string?>("--ksm") { Description = "memory.ksm: off (default) or auto (switch KSM on while guests that can share pages run; only when all guests have one owner)" };
var tbSize = new Option<string?>("--tcg-tb-size-mib") { Description = "tcg.tb_size_mib: TCG translation cache per VM (default 32), or default for QEMU's own" };
var listen = new Option<string?>("--listen") { Description = "listen: ADDRESS:PORT where the whole API is served over HTTPS, to users who log in (token, password or mapped client certificate) and to trusted hosts (/v1/peer), e.g. 0.0.0.0:8443 or [::]:8443 (default: none, no TCP listener)" };
var hostName = new Option<string?>("--host-name") { Description = "host.name: this host's name, in its certificate and as other hosts first know it (default: the machine's name)" };
var root = new RootCommand("hospesd: the Hospes host daemon. Owns this host's VMs and serves the REST API on a unix socket (root and group hospes-admin) and, with --listen, over HTTPS.\n\nExamples:\n  hospesd --state-dir /var/lib/hospes --socket /run/hospes/hospes.sock\n  hospesd --memory-policy balance --memory-overcommit-ratio 3\n  hospesd --listen 0.0.0.0:8443 --host-name host-a")
{
    stateDir, socket, runDir, qemu, config, overcommit, policy, reserve, ksm, tbSize, listen, hostName,
};
root.SetAction(async (parsed, ct) =>
{
    var options = new HostOptions
    {
        StateDir = Path.GetFullPath(parsed.GetValue(stateDir)!),
        SocketPath = Path.GetFullPath(parsed.GetValue(socket)!),
        RunDir = parsed.GetValue(runDir) is { } r ? Path.GetFullPath(r) : null,
        QemuPath = parsed.GetValue(qemu),
    };

    // The settings file first, then flags: a flag wins over the file.
    string? file = parsed.GetValue(config) ?? (File.Exists(HostSettings.DefaultPath) ? HostSettings.DefaultPath : null);
    Result<HostOptions> settled = file is null ? options : HostSettings.Load(file, options);
    foreach ((Option<string?> flag, string key) in new[]
    {
        (overcommit, "memory.overcommit_ratio"), (policy, "memory.policy"), (reserve, "memory.reserve_mib"), (ksm, "memory.ksm"), (tbSize, "tcg.tb_size_mib"),
        (listen, "listen"), (hostName, "host.name"),
    })
    {
        if (settled.IsOk && parsed.GetValue(flag) is { } value)
        {
            Result<HostOptions> next = HostSettings.Apply(settled.Value, key, value);
            settled = next.IsOk ? next : next.Error with { Message = $"{flag.Name}: {next.Error.Message}" };
        }
    }

    if (!settled.IsOk)
    {
        await Console.Error.WriteLineAsync($"hospesd: {settled.Error.Message}");
        return 2;
    }

    return await HospesApi.RunAsync(settled.Value, ct);
});
return await root.Parse(args).InvokeAsync();
