namespace Hospes.Network.Tests.Support;

/// <summary>TCP with socat: a listener that answers with its name and the peer address it saw, and a one-shot client.</summary>
internal static class Tcp
{
    /// <summary>Listens on <paramref name="port"/> in <paramref name="ns"/>; every connection gets "NAME PEER-ADDRESS".</summary>
    public static async Task ListenAsync(Netns ns, int port, string name, string bind = "0.0.0.0")
    {
        ns.StartBackground("socat", $"TCP-LISTEN:{port},bind={bind},fork,reuseaddr", $"SYSTEM:echo {name} $SOCAT_PEERADDR");
        await ns.WaitForTcpListenerAsync(port);
    }

    /// <summary>What the listener at ADDRESS:PORT answered, or null when no connection could be made within 2 s.</summary>
    public static async Task<string?> AskAsync(Netns from, string address, int port)
    {
        Network.Tools.ToolResult r = await from.TryRunAsync("socat", "-T", "3", "-", $"TCP:{address}:{port},connect-timeout=2");
        return r.ExitCode == 0 && r.StandardOutput.Trim().Length > 0 ? r.StandardOutput.Trim() : null;
    }

    /// <summary>True when one ping gets an answer within 2 s.</summary>
    public static async Task<bool> PingAsync(Netns from, string address) =>
        (await from.TryRunAsync("busybox", "ping", "-c", "1", "-W", "2", address)).ExitCode == 0;
}
