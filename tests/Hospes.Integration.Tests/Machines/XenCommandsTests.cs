using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Machines;

/// <summary>
/// xl's commands on one real HVM guest (SeaBIOS, the standard VGA, VNC on hospesd's unix socket), each through the real
/// CLI: `hospes vnc` (a loopback tunnel a minimal RFB client reads a framebuffer through).
/// </summary>
public sealed class XenCommandsTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private Daemon _d = null!;

    public async Task InitializeAsync() => _d = await Daemon.StartAsync(image);

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Fact]
    public async Task HvmGuest_ShowsItsDisplay_TakesSysrqTriggersACoreDumpAndCds_AndAPvGuestHasNone()
    {
        // machine = 'pc': the tiny guest's (cloud) kernel reads a CD-ROM on PIIX IDE, and has no AHCI driver for q35's.
        string cfg = _d.WriteConfig("hvm.cfg", Guest.Config("hvm", "type = 'hvm'\nmachine = 'pc'\ndisk = [ ',hdc:cdrom,r' ]\nvnclisten = '0.0.0.0'\nvncpasswd = 'secret'"));
        Assert.Contains("choose one", (await _d.CliAsync("create", "-c", "-V", cfg)).Fails(), StringComparison.Ordinal);

        // create -V (xl's): started, then the tunnel of `hospes vnc` (no vncviewer on this host: its address is printed).
        using (Process created = StartCli("create", "-V", cfg))
        {
            try
            {
                string said = "";
                while (!said.Contains("the display of hvm is at", StringComparison.Ordinal))
                {
                    said = await created.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)) ?? throw new InvalidOperationException($"create -V ended: {await created.StandardError.ReadToEndAsync()}");
                }

                int shown = int.Parse(System.Text.RegularExpressions.Regex.Match(said, @"127\.0\.0\.1:(\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                await _d.WaitForConsoleAsync("hvm", Guest.Ready);
                (int w, int h, _, _) = await RfbClient.ReadFramebufferAsync(shown);
                Assert.True(w >= 640 && h >= 400, $"framebuffer through create -V {w}x{h}");
            }
            finally
            {
                created.Kill();
                await created.WaitForExitAsync();
            }
        }

        // Text on the VGA console, whatever the kernel did to the firmware's screen.
        await GuestShell.RunAsync(_d, "hvm", "echo HOSPES-VNC-TEXT > /dev/tty1 2>/dev/null; true");

        int port = FreePort();
        using (Process tunnel = StartCli("vnc", "hvm", "--listen", $"127.0.0.1:{port}", "--no-viewer"))
        {
            try
            {
                string said = await tunnel.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)) ?? "";
                Assert.Contains($"127.0.0.1:{port}", said, StringComparison.Ordinal);
                (int width, int height, byte[] pixels, int bytesPerPixel) = await RfbClient.ReadFramebufferAsync(port);
                Assert.True(width >= 640 && height >= 400, $"framebuffer {width}x{height}");
                int colours = Enumerable.Range(0, pixels.Length / bytesPerPixel)
                    .Select(i => Convert.ToHexString(pixels, i * bytesPerPixel, bytesPerPixel)).Distinct().Count();
                Assert.True(colours > 1, "the framebuffer is one colour: the guest's text is not on it");
            }
            finally
            {
                tunnel.Kill();
                await tunnel.WaitForExitAsync();
            }
        }

        await SysrqAndTriggersAsync();
        await DumpCoreAsync();
        await CdInsertAndEjectAsync();
        Assert.Matches(@"(?m)^hvm\s+\d+\s+\d+:\d\d:\d\d\s*$", (await _d.CliAsync("uptime")).Ok().Stdout);
        Assert.Contains(Guest.Ready, (await _d.CliAsync("dmesg", "hvm")).Ok().Stdout, StringComparison.Ordinal);

        // A PV guest has no display, keyboard or CD drive: refusals that say what to do, whatever its state.
        (await _d.CliAsync("define", _d.WriteConfig("pv.cfg", Guest.Config("pv")))).Ok();
        Assert.StartsWith("hospes: pv has no keyboard to press SysRq on", (await _d.CliAsync("sysrq", "pv", "h")).Fails(), StringComparison.Ordinal);
        Assert.StartsWith("hospes: pv has no CD-ROM drive; add one", (await _d.CliAsync("cd-eject", "pv", "hdc")).Fails(), StringComparison.Ordinal);
        string refusal = (await _d.CliAsync("vnc", "pv", "--no-viewer")).Fails();
        Assert.Equal("hospes: pv has no graphical console; add vnc = 1 with type = 'hvm', or use `hospes console pv`", refusal);
        Assert.Contains("loopback only", (await _d.CliAsync("vnc", "hvm", "--listen", "0.0.0.0:5901")).Fails(), StringComparison.Ordinal);
    }

    /// <summary>sysrq h prints the kernel's SysRq help; an NMI is reported by the kernel; init is not QEMU's.</summary>
    private async Task SysrqAndTriggersAsync()
    {
        (await _d.CliAsync("sysrq", "hvm", "h")).Ok();
        await _d.WaitForConsoleAsync("hvm", "sysrq: HELP", limit: TimeSpan.FromSeconds(30));
        (await _d.CliAsync("trigger", "hvm", "nmi")).Ok();
        await _d.WaitForConsoleAsync("hvm", "NMI received", limit: TimeSpan.FromSeconds(30));
        Assert.Equal("hospes: trigger 'init' is not available here: QEMU has no way to send it; use nmi, reset, power or s3resume", (await _d.CliAsync("trigger", "hvm", "init")).Fails());
        Assert.Equal("hospes: 'kick' is not a trigger; use nmi, reset, power or s3resume", (await _d.CliAsync("trigger", "hvm", "kick")).Fails());
        Assert.StartsWith("hospes: sysrq: 'hh' is not a SysRq key", (await _d.CliAsync("sysrq", "hvm", "hh")).Fails(), StringComparison.Ordinal);
    }

    private async Task DumpCoreAsync()
    {
        string core = Path.Combine(_d.Dir, "hvm.core");
        (await _d.CliAsync("dump-core", "hvm", core)).Ok();
        byte[] head = new byte[4];
        await using (FileStream f = File.OpenRead(core))
        {
            await f.ReadExactlyAsync(head);
        }

        Assert.Equal("7F454C46", Convert.ToHexString(head));
        Assert.Contains("exists", (await _d.CliAsync("dump-core", "hvm", core)).Fails(), StringComparison.Ordinal);
        File.Delete(core);
    }

    /// <summary>An ISO made here goes into the empty drive and is read in the guest; ejected, the drive is empty again.</summary>
    private async Task CdInsertAndEjectAsync()
    {
        string content = Path.Combine(_d.Dir, "iso");
        Directory.CreateDirectory(content);
        await File.WriteAllTextAsync(Path.Combine(content, "hello.txt"), "HOSPES-CD-42\n");
        string iso = Path.Combine(_d.Dir, "hello.iso");
        await Run.ToolAsync("genisoimage", "-quiet", "-V", "HOSPESCD", "-o", iso, content);

        (await _d.CliAsync("cd-insert", "hvm", "hdc", iso)).Ok();
        Assert.Equal(iso, (await _d.InfoAsync("hvm")).Spec!.Disks.Single(d => d.Vdev == "hdc").Target);
        // The kernel's own messages (the medium change) may land on the console between the command's lines.
        // The first read after a medium change gets the drive's "medium changed" (UNIT ATTENTION); the guest then reads it.
        string read = await GuestShell.RunAsync(_d, "hvm", "mkdir -p /cd; for i in 1 2 3; do mount -t iso9660 -o ro /dev/sr0 /cd 2>/dev/null && break; sleep 1; done; cat /cd/hello.txt; umount /cd");
        Assert.Contains("HOSPES-CD-42", read, StringComparison.Ordinal);

        (await _d.CliAsync("cd-eject", "hvm", "hdc")).Ok();
        Assert.Equal("", (await _d.InfoAsync("hvm")).Spec!.Disks.Single(d => d.Vdev == "hdc").Target);
        Assert.Contains("No medium", await GuestShell.RunAsync(_d, "hvm", "dd if=/dev/sr0 of=/dev/null bs=2048 count=1 2>&1 | head -n 1"), StringComparison.Ordinal);
        Assert.StartsWith("hospes: hvm has no CD-ROM drive hdd; its CD-ROM drives: hdc", (await _d.CliAsync("cd-eject", "hvm", "hdd")).Fails(), StringComparison.Ordinal);
    }

    private Process StartCli(params string[] args)
    {
        var psi = new ProcessStartInfo(Repo.Hospes) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["HOSPES_SOCKET"] = _d.Socket;
        return Process.Start(psi) ?? throw new InvalidOperationException("could not start hospes");
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>Just enough RFB 3.8 (RFC 6143) to see a screen: no security, the server's pixel format, raw encoding.</summary>
    private static class RfbClient
    {
        public static async Task<(int Width, int Height, byte[] Pixels, int BytesPerPixel)> ReadFramebufferAsync(int port)
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, port);
            NetworkStream s = tcp.GetStream();
            s.ReadTimeout = 30_000;
            string version = Encoding.ASCII.GetString(await ReadAsync(s, 12));
            Assert.StartsWith("RFB 003.", version, StringComparison.Ordinal);
            await s.WriteAsync(Encoding.ASCII.GetBytes("RFB 003.008\n"));
            byte[] types = await ReadAsync(s, (await ReadAsync(s, 1))[0]);
            Assert.Contains((byte)1, types); // None: access is hospesd's business
            await s.WriteAsync(new byte[] { 1 });
            Assert.Equal(0, Int(await ReadAsync(s, 4)));
            await s.WriteAsync(new byte[] { 1 }); // ClientInit, shared
            byte[] init = await ReadAsync(s, 24);
            int width = (init[0] << 8) | init[1], height = (init[2] << 8) | init[3], bpp = init[4] / 8;
            await ReadAsync(s, Int(init.AsSpan(20, 4)));
            await s.WriteAsync(new byte[] { 2, 0, 0, 1, 0, 0, 0, 0 }); // SetEncodings: raw
            await s.WriteAsync(new byte[] { 3, 0, 0, 0, 0, 0, (byte)(width >> 8), (byte)width, (byte)(height >> 8), (byte)height });
            var pixels = new List<byte>();
            while (true)
            {
                byte type = (await ReadAsync(s, 1))[0];
                Assert.Equal(0, type); // FramebufferUpdate
                byte[] head = await ReadAsync(s, 3);
                int rects = (head[1] << 8) | head[2];
                for (int i = 0; i < rects; i++)
                {
                    byte[] r = await ReadAsync(s, 12);
                    int w = (r[4] << 8) | r[5], h = (r[6] << 8) | r[7];
                    Assert.Equal(0, Int(r.AsSpan(8, 4))); // raw
                    pixels.AddRange(await ReadAsync(s, w * h * bpp));
                }

                if (pixels.Count >= width * height * bpp)
                {
                    return (width, height, [.. pixels], bpp);
                }
            }
        }

        private static int Int(ReadOnlySpan<byte> b) => (b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3];

        private static async Task<byte[]> ReadAsync(NetworkStream s, int count)
        {
            byte[] buffer = new byte[count];
            await s.ReadExactlyAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            return buffer;
        }
    }
}
