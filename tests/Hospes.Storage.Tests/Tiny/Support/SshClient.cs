using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Hospes.Storage.Tiny;

namespace Hospes.Storage.Tests.Tiny.Support;

/// <summary>The host's OpenSSH client, logging in to a guest through a QEMU port forward on 127.0.0.1 with one key only.</summary>
internal sealed class SshClient(int port, SshKey key)
{
    public int Port => port;

    /// <summary>A loopback port that was free a moment ago, for QEMU's hostfwd.</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs <paramref name="command"/> (or, with <paramref name="tty"/>, a login shell fed <paramref name="stdin"/>).</summary>
    public async Task<SshResult> RunAsync(string? command, string? stdin = null, bool tty = false, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo("ssh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // No user config, agent or default keys: the one key given is the only way in.
        string[] args =
        [
            "-F", "/dev/null", "-i", key.PrivateKeyPath, "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
            "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
            "-o", "ConnectTimeout=3", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            .. tty ? (string[])["-tt"] : [], $"{TinyGuest.SshUser}@127.0.0.1", .. command is null ? (string[])[] : [command],
        ];
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"cannot run ssh: {e.Message}; install openssh-client (./setup.sh does)", e);
        }

        using (process)
        {
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            await process.StandardInput.WriteAsync(stdin ?? "");
            process.StandardInput.Close();
            using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"ssh {command} did not finish within {timeout ?? TimeSpan.FromSeconds(30)}");
            }

            return new SshResult(process.ExitCode, (await stdout).Replace("\r", "", StringComparison.Ordinal), await stderr);
        }
    }

    /// <summary>Retries until a login works: the lease and the server come after the ready marker.</summary>
    public async Task<TimeSpan> WaitUntilReachableAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        SshResult last;
        do
        {
            last = await RunAsync("true");
            if (last.ExitCode == 0)
            {
                return clock.Elapsed;
            }

            await Task.Delay(200);
        }
        while (clock.Elapsed < timeout);

        throw new TimeoutException($"ssh to 127.0.0.1:{port} did not work within {timeout}: exit {last.ExitCode}, {last.Stderr.Trim()}");
    }
}
