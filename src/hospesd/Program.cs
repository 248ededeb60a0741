using System.CommandLine;
using Hospes.Api;
using Hospes.Host;

var stateDir = new Option<string>("--state-dir") { Description = "Where the state DB, VM logs and images live", DefaultValueFactory = _ => HostOptions.DefaultStateDir };
var socket = new Option<string>("--socket") { Description = "The API's unix socket", DefaultValueFactory = _ => HostOptions.DefaultSocket };
var runDir = new Option<string?>("--run-dir") { Description = "Where VM sockets go (default: the API socket's folder)" };
var qemu = new Option<string?>("--qemu") { Description = "qemu-system-x86_64 to use (default: the one on PATH)" };
var root = new RootCommand("hospesd: the Hospes host daemon. Owns this host's VMs and serves the REST API on a unix socket.\n\nExample:\n  hospesd --state-dir /var/lib/hospes --socket /run/hospes/hospes.sock")
{
    stateDir, socket, runDir, qemu,
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
    return await HospesApi.RunAsync(options, ct);
});
return await root.Parse(args).InvokeAsync();
