using Hospes.Config.Tests.TestSupport;

namespace Hospes.Config.Tests.Syntax;

/// <summary>
/// What a hostile file can make the reader do: deep nesting, a huge file, thousands of problems. Each is an error
/// with a position, in memory that grows with the file, never a crash.
/// </summary>
public sealed class BoundsTests
{
    private static ConfigReadResult Read(string text) => Configs.Read(text, Configs.Host(), path: "deep.cfg");

    [Fact]
    public void Read_TwoHundredThousandOpenBrackets_IsAnErrorAtTheThirdOne_NotAStackOverflow()
    {
        string text = "name = \"x\"\nkernel = \"/k\"\ndisk=" + new string('[', 200_000) + "\n";

        // Linear: each token costs a few dozen bytes; copying each list's text per level (as before) was quadratic.
        long before = GC.GetAllocatedBytesForCurrentThread();
        ConfigReadResult result = Read(text);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Null(result.Spec);
        Assert.Equal(
            [
                "deep.cfg:3:6: error: disk: the list opened here is not closed; add ']' after its last entry",
                "deep.cfg:3:7: error: disk: the list opened here is not closed; add ']' after its last entry",
                "deep.cfg:3:7: error: disk: entries must be strings, not lists; write e.g. disk = [ '/images/web.img,raw,xvda,rw' ]",
                "deep.cfg:3:8: error: disk: lists nest more than 2 deep here; xl configs use a list of strings, e.g. disk = [ 'a', 'b' ]; remove the extra '['",
            ],
            result.Errors());
        Assert.True(allocated < 200L * text.Length, $"reading {text.Length} characters allocated {allocated} bytes");
    }

    [Fact]
    public void Read_AListOfLists_IsStillReadAndReportedByItsKey()
    {
        ConfigReadResult result = Read(Configs.Minimal + "disk = [ [ '/images/web.img,raw,xvda,rw' ] ]\n");

        Assert.Equal(["deep.cfg:3:10: error: disk: entries must be strings, not lists; write e.g. disk = [ '/images/web.img,raw,xvda,rw' ]"], result.Errors());
    }

    [Fact]
    public void Read_ATooDeepList_IsReportedOnce_AndTheNextSettingsAreRead()
    {
        ConfigReadResult result = Read(Configs.Minimal + "cpus = [ [ [ '1' ], '2' ], '3' ]\nmemory = 'lots'\n");

        Assert.Equal(
            [
                "deep.cfg:3:10: error: cpus: entries must be strings such as '0-3'; write e.g. cpus = '0-3' or cpus = ['0', '1']",
                "deep.cfg:3:12: error: cpus: lists nest more than 2 deep here; xl configs use a list of strings, e.g. cpus = [ 'a', 'b' ]; remove the extra '['",
                "deep.cfg:4:10: error: memory: 'lots' is not a number of MiB; write e.g. memory = 512",
            ],
            result.Errors());
    }

    [Fact]
    public void Read_AFileOverTheLimit_IsOneErrorWhereTheLimitIsPassed()
    {
        string line = "# " + new string('x', 1021) + "\n";
        string text = Configs.Minimal + string.Concat(Enumerable.Repeat(line, 300));

        ConfigReadResult result = Read(text);

        Assert.Null(result.Spec);
        int limitLine = 3 + ((ConfigLimits.MaxChars - Configs.Minimal.Length) / line.Length);
        int limitColumn = 1 + ((ConfigLimits.MaxChars - Configs.Minimal.Length) % line.Length);
        Assert.Equal(
            [$"deep.cfg:{limitLine}:{limitColumn}: error: the file is {text.Length} characters long; a config may have at most {ConfigLimits.MaxChars} (xl configs are a few KiB); check that this is the config you meant"],
            result.Errors());
    }

    [Fact]
    public void Read_ThousandsOfProblems_ReportsTheFirstHundred_AndCountsTheRest()
    {
        ConfigReadResult result = Read(Configs.Minimal + "disk = [ " + new string(',', 5000) + " ]\n");

        Assert.Equal(ConfigLimits.MaxDiagnostics + 1, result.Diagnostics.Count);
        Assert.True(result.HasErrors);
        Assert.Equal(
            $"deep.cfg: error: {5000 - ConfigLimits.MaxDiagnostics} more problem(s) not shown: at most {ConfigLimits.MaxDiagnostics} are reported; fix these and check again",
            result.Diagnostics[^1].ToString());
    }

    [Fact]
    public void Read_ANulCharacter_IsAnError_AndAControlCharacterInAPath_Too()
    {
        ConfigReadResult result = Read("name = 'web'\nkernel = '/boot/vm\0linuz'\ndisk = [ '/images/a\\tb,raw,xvda,rw' ]\n");

        Assert.Equal(
            [
                "deep.cfg:2:19: error: a NUL character inside a string; a config is text: remove it",
                "deep.cfg:3:10: error: disk '/images/a\tb,raw,xvda,rw': the path contains the control character U+0009; a path cannot hold control characters",
            ],
            result.Errors());
    }

    [Theory]
    [InlineData('\u2028')]
    [InlineData('\u00a0')]
    [InlineData('\u3000')]
    public async Task Read_UnicodeWhiteSpace_SeparatesLikeABlank_InsteadOfHangingTheLexer(char space)
    {
        ConfigReadResult result = await Task.Run(() => Read($"name = 'web'\nkernel = '/boot/vmlinuz'\nmemory = 204{space}8\n")).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["deep.cfg:3:14: error: memory: unexpected '8' after the value; put one setting on each line and quote strings"], result.Errors());
    }
}
