using Hospes.Config.Tests.TestSupport;
using Hospes.Core.Vms;

namespace Hospes.Config.Tests.Syntax;

/// <summary>The xl/xm file syntax: statements, literals, lists, comments and continuations.</summary>
public sealed class SyntaxTests
{
    private static ConfigReadResult Read(string text) => Configs.Read(text, Configs.Host(), path: "web.cfg");

    [Fact]
    public void Read_PythonTripleQuotedStrings_SpanLinesAndKeepLineNumbers()
    {
        ConfigReadResult result = Read(""""
            name = '''web'''
            kernel = "/boot/vmlinuz"
            extra = """console=hvc0
                quiet"""
            vcpus = 'two'
            """");

        Assert.Equal(["web.cfg:5:9: error: vcpus: 'two' is not a number of virtual CPUs; write e.g. vcpus = 2"], result.Errors());
    }

    [Fact]
    public void Read_UnclosedTripleQuotedString_IsOneErrorAtItsStart()
    {
        ConfigReadResult result = Read("name = 'web'\nkernel = '/boot/vmlinuz'\nextra = '''console=hvc0\nvcpus = 2\n");

        Assert.Equal(["web.cfg:3:9: error: string '''console=hvc0... is not closed; add the closing '''"], result.Errors());
    }

    [Fact]
    public void Read_CommentsSemicolonsAndHexNumbers_AreUnderstood()
    {
        ConfigReadResult result = Read("""
            # a comment line
            name = 'web'   # a trailing comment
            kernel = "/boot/vmlinuz"; memory = 0x200 ; vcpus=2
            extra = "console=hvc0 # not a comment"
            """);

        Assert.Empty(result.Diagnostics);
        Assert.Equal(512, result.Spec!.MemoryMib);
        Assert.Equal(2, result.Spec.Vcpus);
        Assert.Equal("console=hvc0 # not a comment", result.Spec.KernelCmdline);
    }

    [Fact]
    public void Read_StringEscapes_AreDecoded()
    {
        ConfigReadResult result = Read("""
            name = 'web'
            kernel = '/boot/vmlinuz'
            extra = 'a\\b \'q\' \"d\" tab\tend'
            """);

        Assert.Equal("a\\b 'q' \"d\" tab\tend", result.Spec!.KernelCmdline);
    }

    [Fact]
    public void Read_ListsAcrossLines_AllowTrailingCommaAndContinuations()
    {
        ConfigReadResult result = Read("""
            name = 'web'
            kernel = '/boot/vmlinuz'
            disk = [
                '/images/web.img,raw,xvda,rw',   # the root disk
                '/images/web.img,raw,xvdb,ro', \
            ]
            extra = 'console=hvc0' \
                    
            """);

        Assert.Empty(result.Errors());
        Assert.Equal(["xvda", "xvdb"], result.Spec!.Disks.Select(d => d.Vdev));
    }

    [Fact]
    public void Read_NumericString_IsAcceptedWhereANumberIsExpected()
    {
        ConfigReadResult result = Read("name = 'web'\nkernel = '/boot/vmlinuz'\nmemory = \"512\"\nvcpus = '2'\n");

        Assert.Empty(result.Diagnostics);
        Assert.Equal((512, 2), (result.Spec!.MemoryMib, result.Spec.Vcpus));
    }

    [Fact]
    public void Read_NumberAsName_IsTakenAsText()
    {
        ConfigReadResult result = Read("name = 42\nkernel = '/boot/vmlinuz'\n");

        Assert.Equal("42", result.Spec!.Name);
    }

    [Fact]
    public void Read_KeySetTwice_WarnsAndUsesTheLaterValue()
    {
        ConfigReadResult result = Read("name = 'web'\nkernel = '/boot/vmlinuz'\nmemory = 256\nmemory = 512\n");

        Assert.Equal(512, result.Spec!.MemoryMib);
        Assert.Equal(["web.cfg:4:1: warning: memory is set twice (first on line 3); this later value is used"], result.Warnings());
    }

    [Fact]
    public void Read_UnquotedWordAsNumber_SaysItIsNotANumber()
    {
        ConfigReadResult result = Read("name = 'web'\nkernel = '/boot/vmlinuz'\nmemory = lots\n");

        Assert.Null(result.Spec);
        Assert.Equal(["web.cfg:3:10: error: memory: 'lots' is not a number of MiB; write e.g. memory = 512"], result.Errors());
    }

    [Fact]
    public void Read_UnquotedWordAsString_AsksForQuotesOnce()
    {
        ConfigReadResult result = Read("name = web\nkernel = /boot/vmlinuz\nselinux = off\n");

        Assert.Equal(
        [
            "web.cfg:1:8: error: name: web must be quoted; write name = 'web'",
            "web.cfg:2:10: error: kernel: /boot/vmlinuz must be quoted; write kernel = '/boot/vmlinuz'",
            "web.cfg:3:11: error: selinux: off must be quoted; write selinux = 'off'",
        ],
            result.Errors());
    }

    [Fact]
    public void Read_UnclosedString_IsReportedAtItsStart()
    {
        ConfigReadResult result = Read("name = 'web'\nkernel = '/boot/vmlinuz\n");

        Assert.Equal(
            ["web.cfg:2:10: error: string '/boot/vmlinuz is not closed; add the closing ' on the same line (strings cannot span lines)"],
            result.Errors());
        Assert.Equal("'/boot/vmlinuz", result.Diagnostics[0].Text);
    }

    [Fact]
    public void Read_MissingEquals_IsReportedWithoutAMissingNameError()
    {
        ConfigReadResult result = Read("name 'web'\nkernel = '/boot/vmlinuz'\n");

        Assert.Equal(["web.cfg:1:6: error: name: expected '=' after the key, found 'web'; write name = value"], result.Errors());
    }

    [Fact]
    public void Read_MissingValue_IsReported()
    {
        ConfigReadResult result = Read("name = 'web'\nkernel = '/boot/vmlinuz'\nmemory =\n");

        Assert.Equal(
            ["web.cfg:3:9: error: memory: no value after '='; write e.g. memory = 'value', memory = 1 or memory = [ 'a', 'b' ]"],
            result.Errors());
    }

    [Fact]
    public void Read_UnclosedListAtEndOfFile_IsReportedAtTheBracket()
    {
        ConfigReadResult result = Read("name = 'web'\nkernel = '/boot/vmlinuz'\ndisk = [ '/images/web.img,raw,xvda,rw',\n");

        Assert.Equal(["web.cfg:3:8: error: disk: the list opened here is not closed; add ']' after its last entry"], result.Errors());
    }

    [Fact]
    public void Read_EmptyListEntry_IsReported()
    {
        ConfigReadResult result = Read("name = 'web'\nkernel = '/boot/vmlinuz'\nvif = [ '', , '' ]\n");

        Assert.Equal(["web.cfg:3:13: error: vif: empty list entry; remove the extra ','"], result.Errors());
    }

    [Theory]
    [InlineData("vif = [ '' ; '' ]", "web.cfg:3:12: error: vif: ';' cannot appear inside a list; separate entries with ','")]
    [InlineData("vif = [ ; ]", "web.cfg:3:9: error: vif: ';' cannot appear inside a list; separate entries with ','")]
    [InlineData("vif = [ = ]", "web.cfg:3:9: error: vif: expected a value (a number, a 'string' or a [ list ]), found '='")]
    [InlineData("vif = [ '' '' ]", "web.cfg:3:12: error: vif: expected ',' or ']' after list entry '', found ''")]
    public void Read_BrokenList_IsReportedOnceAndReadingGoesOn(string line, string error)
    {
        ConfigReadResult result = Read($"name = 'web'\nkernel = '/boot/vmlinuz'\n{line}\nmemory = 8\n");

        Assert.Equal(
            [error, "web.cfg:4:10: error: memory: 8 MiB is too little; a guest needs at least 16 MiB, e.g. memory = 512"],
            result.Errors());
    }

    [Fact]
    public void Read_StrayBackslashAndHugeNumber_AreReported()
    {
        ConfigReadResult result = Read("name = 'web'\nkernel = '/boot/vmlinuz'\nmemory = 99999999999999999999\nvcpus = \\ 2\n");

        Assert.Equal(
        [
            "web.cfg:3:10: error: number 99999999999999999999 is too large",
            "web.cfg:4:9: error: stray '\\': a backslash may only end a line (to continue it) or appear inside quotes",
        ],
            result.Errors());
    }

    [Fact]
    public void Read_UnknownEscape_IsKeptWithAWarning()
    {
        ConfigReadResult result = Read("name = 'web'\nkernel = '/boot/vmlinuz'\nextra = 'a\\qb'\n");

        Assert.Equal("a\\qb", result.Spec!.KernelCmdline);
        Assert.Equal(["web.cfg:3:11: warning: unknown escape '\\q' kept as written; write '\\\\' for a backslash"], result.Warnings());
    }

    [Fact]
    public void Read_NestedListWhereStringsAreExpected_IsAnError()
    {
        ConfigReadResult result = Read("name = 'web'\nkernel = '/boot/vmlinuz'\ndisk = [ [ '/images/web.img,raw,xvda,rw' ] ]\n");

        Assert.Equal(
            ["web.cfg:3:10: error: disk: entries must be strings, not lists; write e.g. disk = [ '/images/web.img,raw,xvda,rw' ]"],
            result.Errors());
    }

    [Fact]
    public void Read_WindowsLineEndings_AreAccepted()
    {
        ConfigReadResult result = Read("name = 'web'\r\nkernel = '/boot/vmlinuz'\r\nmemory = 256\r\n");

        Assert.Empty(result.Diagnostics);
        Assert.Equal(256, result.Spec!.MemoryMib);
    }

    [Fact]
    public void Read_FileWithSeveralProblems_ReportsEveryOneInOneRun()
    {
        string path = Configs.FixturePath("malformed", "many-problems.cfg");
        FakeHost host = new FakeHost().With("/boot/vmlinuz", "/images/a.img", "/images/b.img");

        ConfigReadResult result = XenConfigReader.Read(
            new XenConfigSource(File.ReadAllText(path), "many-problems.cfg"),
            new ConfigReadOptions { Host = host });

        Assert.Null(result.Spec);
        Assert.Equal(
        [
            "many-problems.cfg:3:10: error: memory: 'lots' is not a number of MiB; write e.g. memory = 512",
            "many-problems.cfg:4:11: error: vcpus: unexpected '3' after the value; put one setting on each line and quote strings",
            "many-problems.cfg:5:10: error: string '/boot/vmlinuz is not closed; add the closing ' on the same line (strings cannot span lines)",
            "many-problems.cfg:6:8: error: disk: the list opened here is not closed; add ']' after its last entry",
            "many-problems.cfg:7:10: error: disk: expected ',' or ']' after list entry 'file:/images/a.img,xvda,w', found 'file:/images/b.img,xvda,w'",
            "many-problems.cfg:7:10: error: disk 'file:/images/b.img,xvda,w': vdev xvda is already used by disk 'file:/images/a.img,xvda,w'; give each disk its own vdev",
            "many-problems.cfg:8:9: error: vif 'mac=01:00:5e:00:00:01': mac '01:00:5e:00:00:01' is a multicast address (the lowest bit of the first octet is set); a NIC needs a unicast one, e.g. 00:16:3e:12:34:56",
            "many-problems.cfg:9:12: error: on_crash: 'explode' is not an action; use destroy, restart, preserve or rename-restart",
            "many-problems.cfg:10:1: error: expected a setting such as memory = 512, found '='; keys are letters, digits and '_'",
            "many-problems.cfg:11:1: warning: memroy: unknown key, ignored; did you mean memory?",
            "many-problems.cfg:12:8: error: cpus: '0-1,x': 'x' is not a CPU number or range; write e.g. '0-3,^1'",
        ],
            result.Diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void Read_EmptyFile_ReportsTheMissingNameAndKernel()
    {
        ConfigReadResult result = Read("");

        Assert.Equal(
        [
            "web.cfg: error: name is missing; add e.g. name = 'web'",
            "web.cfg: error: no kernel: set kernel= or type = 'hvm'",
        ],
            result.Errors());
    }

    [Fact]
    public void Read_ValidFile_GivesDefaults()
    {
        ConfigReadResult result = Read(Configs.Minimal);

        VmSpec spec = result.Spec!;
        Assert.Equal((128, 128, 1, 1), (spec.MemoryMib, spec.MaxMemoryMib, spec.Vcpus, spec.MaxVcpus));
        Assert.Equal((LifecycleAction.Destroy, LifecycleAction.Restart, LifecycleAction.Destroy), (spec.OnPoweroff, spec.OnReboot, spec.OnCrash));
        Assert.Equal((Accelerator.Auto, (string?)null, BootMode.Pv), (spec.Accel, spec.Machine, spec.Boot));
        Assert.Empty(spec.Disks);
        Assert.Empty(spec.Vifs);
        Assert.False(result.HasErrors);
    }
}
