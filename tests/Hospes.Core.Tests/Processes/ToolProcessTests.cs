using System.Globalization;
using Hospes.Core.Errors;
using Hospes.Core.Processes;

namespace Hospes.Core.Tests.Processes;

public sealed class ToolProcessTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Run_AToolThatSucceeds_ReturnsItsOutput()
    {
        Result<ToolOutput> run = await ToolProcess.RunAsync("sh", ["-c", "echo out; echo err >&2"], CancellationToken.None);
        Assert.True(run.IsOk);
        Assert.Equal((0, "out\n", "err\n"), (run.Value.ExitCode, run.Value.StandardOutput, run.Value.StandardError));
        Assert.False(run.Value.Truncated);
    }

    [Fact]
    public async Task Run_True_IsOkWithNoOutput()
    {
        Result<ToolOutput> run = await ToolProcess.RunAsync("true", [], CancellationToken.None);
        Assert.True(run.IsOk);
        Assert.Equal("", run.Value.StandardOutput);
    }

    [Fact]
    public async Task Run_False_IsAnExitedErrorWithItsCode()
    {
        Result<ToolOutput> run = await ToolProcess.RunAsync("false", [], CancellationToken.None);
        ToolExited exited = Assert.IsType<ToolExited>(run.Error);
        Assert.Equal(1, exited.ExitCode);
        Assert.Equal(ErrorCode.Internal, exited.Code);
        Assert.Equal("'false' failed with exit code 1: (no output)", exited.Message);
    }

    [Fact]
    public async Task Run_AFailingTool_QuotesItsOwnWordsAndKeepsItsOutput()
    {
        Result<ToolOutput> run = await ToolProcess.RunAsync("sh", ["-c", "echo partial; echo 'RTNETLINK answers: File exists' >&2; exit 2"], CancellationToken.None);
        ToolExited exited = Assert.IsType<ToolExited>(run.Error);
        Assert.Equal("'sh -c echo partial; echo 'RTNETLINK answers: File exists' >&2; exit 2' failed with exit code 2: RTNETLINK answers: File exists", exited.Message);
        Assert.Equal(("partial\n", "RTNETLINK answers: File exists\n"), (exited.Output.StandardOutput, exited.StandardError));
    }

    [Fact]
    public async Task Run_AMissingTool_IsNotInstalled_AndNamesItsDebianPackage()
    {
        Result<ToolOutput> run = await ToolProcess.RunAsync("/nonexistent/qemu-img", ["info"], CancellationToken.None);
        ToolNotInstalled missing = Assert.IsType<ToolNotInstalled>(run.Error);
        Assert.Equal(ErrorCode.Unavailable, missing.Code);
        Assert.Equal("qemu-utils", missing.Package);
        Assert.Contains("No such file or directory", missing.Reason, StringComparison.Ordinal);
        Assert.StartsWith("cannot run /nonexistent/qemu-img: ", missing.Message, StringComparison.Ordinal);
        Assert.EndsWith("; install the Debian package qemu-utils (apt-get install qemu-utils)", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_AMissingTool_NamesThePackageTheCallerGave()
    {
        var command = new ToolCommand("hospes-no-such-tool", []) { Package = "hospes-tools" };
        Result<ToolOutput> run = await ToolProcess.RunAsync(command, CancellationToken.None);
        Assert.Equal("hospes-tools", Assert.IsType<ToolNotInstalled>(run.Error).Package);
    }

    [Fact]
    public async Task Run_AnUnknownMissingTool_SaysToCheckPath()
    {
        Result<ToolOutput> run = await ToolProcess.RunAsync("hospes-no-such-tool", [], CancellationToken.None);
        ToolNotInstalled missing = Assert.IsType<ToolNotInstalled>(run.Error);
        Assert.Null(missing.Package);
        Assert.EndsWith("; is it installed and on PATH?", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithStandardInput_GivesItToTheTool()
    {
        var command = new ToolCommand("sh", ["-c", "tr a-z A-Z"]) { StandardInput = "table ip x {}\n" };
        Result<ToolOutput> run = await ToolProcess.RunAsync(command, CancellationToken.None);
        Assert.Equal("TABLE IP X {}\n", run.Value.StandardOutput);
    }

    [Fact]
    public async Task Run_WithoutStandardInput_TheToolReadsEndOfFile()
    {
        Result<ToolOutput> run = await ToolProcess.RunAsync(new ToolCommand("cat", []) { Timeout = TimeSpan.FromSeconds(10) }, CancellationToken.None);
        Assert.True(run.IsOk);
        Assert.Equal("", run.Value.StandardOutput);
    }

    [Fact]
    public async Task Run_AToolThatIgnoresItsInput_StillReportsItsExit()
    {
        var command = new ToolCommand("sh", ["-c", "echo no >&2; exit 4"]) { StandardInput = new string('x', 1 << 20) };
        Result<ToolOutput> run = await ToolProcess.RunAsync(command, CancellationToken.None);
        Assert.Equal(4, Assert.IsType<ToolExited>(run.Error).ExitCode);
    }

    [Fact]
    public async Task Run_SetsLcAllC_TheExtraEnvironment_AndTheWorkingDirectory()
    {
        var command = new ToolCommand("sh", ["-c", "echo $LC_ALL $HOSPES_TEST; pwd"])
        {
            Environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["HOSPES_TEST"] = "yes" },
            WorkingDirectory = _dir.Path,
        };
        Result<ToolOutput> run = await ToolProcess.RunAsync(command, CancellationToken.None);
        Assert.Equal($"C yes\n{_dir.Path}\n", run.Value.StandardOutput);
    }

    [Fact]
    public async Task Run_MeasuresHowLongTheToolRan()
    {
        Result<ToolOutput> run = await ToolProcess.RunAsync("sleep", ["0.2"], CancellationToken.None);
        Assert.InRange(run.Value.Elapsed, TimeSpan.FromMilliseconds(190), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Run_PastItsTimeout_KillsTheToolAndTheProcessesItStarted()
    {
        string pidFile = _dir.File("child.pid");
        var command = new ToolCommand("sh", ["-c", $"echo started; sleep 300 & echo $! > {pidFile}; wait"]) { Timeout = TimeSpan.FromMilliseconds(500) };
        Result<ToolOutput> run = await ToolProcess.RunAsync(command, CancellationToken.None);
        ToolTimedOut timedOut = Assert.IsType<ToolTimedOut>(run.Error);
        Assert.Equal(ErrorCode.Timeout, timedOut.Code);
        Assert.Equal("started\n", timedOut.Output.StandardOutput);
        Assert.Contains("did not finish within 0.5 s and was killed", timedOut.Message, StringComparison.Ordinal);
        Assert.True(await HasEndedAsync(ReadPid(pidFile)), "the tool's child outlived the timeout");
    }

    [Fact]
    public async Task Run_Cancelled_KillsTheToolAndTheProcessesItStarted_ThenThrows()
    {
        string pidFile = _dir.File("child.pid");
        using var cts = new CancellationTokenSource();
        Task<Result<ToolOutput>> run = ToolProcess.RunAsync("sh", ["-c", $"sleep 300 & echo $! > {pidFile}; wait"], cts.Token);
        await WaitForFileAsync(pidFile);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.True(await HasEndedAsync(ReadPid(pidFile)), "the tool's child outlived the cancellation");
    }

    [Fact]
    public async Task Run_OutputOverTheLimit_KeepsTheBeginningAndSaysItWasCut()
    {
        var command = new ToolCommand("sh", ["-c", "head -c 100000 /dev/zero | tr '\\0' a; echo done >&2"]) { OutputLimit = 1000 };
        Result<ToolOutput> run = await ToolProcess.RunAsync(command, CancellationToken.None);
        Assert.Equal(new string('a', 1000), run.Value.StandardOutput);
        Assert.Equal("done\n", run.Value.StandardError);
        Assert.True(run.Value.Truncated);
    }

    [Fact]
    public async Task Run_ADaemonStarter_ReturnsOnceItExits_AndLeavesTheDaemonRunning()
    {
        string pidFile = _dir.File("daemon.pid");
        var command = new ToolCommand("sh", ["-c", $"sleep 300 </dev/null >/dev/null 2>&1 & echo $! > {pidFile}; echo started"])
        {
            DaemonGrace = TimeSpan.FromSeconds(5),
        };
        Result<ToolOutput> run = await ToolProcess.RunAsync(command, CancellationToken.None);
        int daemon = ReadPid(pidFile);
        try
        {
            Assert.Equal("started\n", run.Value.StandardOutput);
            Assert.False(await HasEndedAsync(daemon, TimeSpan.FromMilliseconds(200)));
        }
        finally
        {
            Kill(daemon);
        }
    }

    [Fact]
    public async Task Run_ADaemonThatKeepsTheToolsOutput_IsReportedAfterTheGrace()
    {
        string pidFile = _dir.File("daemon.pid");
        var command = new ToolCommand("sh", ["-c", $"sleep 300 & echo $! > {pidFile}; echo started"])
        {
            DaemonGrace = TimeSpan.FromMilliseconds(300),
            Timeout = TimeSpan.FromSeconds(30),
        };
        Result<ToolOutput> run = await ToolProcess.RunAsync(command, CancellationToken.None);
        Kill(ReadPid(pidFile));
        ToolOutputHeld held = Assert.IsType<ToolOutputHeld>(run.Error);
        Assert.Equal((0, "started\n"), (held.Output.ExitCode, held.Output.StandardOutput));
        Assert.EndsWith("exited but a process it left behind keeps its output open", held.Message, StringComparison.Ordinal);
    }

    private static int ReadPid(string file) => int.Parse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture);

    private static async Task WaitForFileAsync(string file)
    {
        for (int i = 0; i < 200 && !(File.Exists(file) && File.ReadAllText(file).EndsWith('\n')); i++)
        {
            await Task.Delay(25);
        }
    }

    /// <summary>True once the process is gone or a zombie (a killed orphan may wait for a reaper).</summary>
    private static async Task<bool> HasEndedAsync(int pid, TimeSpan? within = null)
    {
        TimeSpan limit = within ?? TimeSpan.FromSeconds(5);
        for (var waited = TimeSpan.Zero; waited < limit; waited += TimeSpan.FromMilliseconds(20))
        {
            string stat;
            try
            {
                stat = File.ReadAllText($"/proc/{pid}/stat");
            }
            catch (IOException)
            {
                return true;
            }

            if (stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z'))
            {
                return true;
            }

            await Task.Delay(20);
        }

        return false;
    }

    private static void Kill(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            process.Kill();
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
    }
}
