using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using NUnit.Framework;

namespace Tina.Analyzers.Tests;

/// <summary>TINA007 (a suggestion): allocation-prone code in handler code; the allocation-free twins are silent.</summary>
public sealed class AllocationInHandlerTests
{
    private static string Handler(string body) => $$"""
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using Tina;

        public sealed class Spender : IIsolate
        {
            private readonly int[] _values = { 1, 2, 3 };
            private int _count;

            public Effect OnMessage(ref Context ctx, in Message message)
            {
                {{body}}
                return Effect.Receive;
            }

            private int Twice(int x) => x * 2;
        }
        """;

    [Test]
    public Task AttributeArguments_OnAHandler_AreNotReported() =>
        AnalyzerTest<HandlerAnalyzer>.Run("""
            using System;
            using Tina;

            [AttributeUsage(AttributeTargets.Method)]
            public sealed class RouteAttribute : Attribute
            {
                public RouteAttribute(string[] paths, Type kind) { }
            }

            public sealed class Routed : IIsolate
            {
                [Route(new[] { "/a", "/b" }, typeof(int))]
                public Effect OnMessage(ref Context ctx, in Message message) => Effect.Receive;
            }
            """);

    [Test]
    public Task Linq_IsReported() =>
        AnalyzerTest<HandlerAnalyzer>.Run(
            Handler("int total = {|#0:_values.Sum()|};"),
            new DiagnosticResult(TinaDescriptors.AllocationInHandler).WithLocation(0).WithArguments("LINQ ('Enumerable.Sum')"));

    [TestCase("Func<int> f = {|TINA007:() => _count|};")]
    [TestCase("int k = 2; Func<int, int> f = {|TINA007:x => x * k|};")]
    [TestCase("Func<int, int> f = {|TINA007:Twice|};")]
    [TestCase("object boxed = {|TINA007:_count|};")]
    [TestCase("string s = {|TINA007:$\"n={_count}\"|};")]
    [TestCase("string s = {|TINA007:string.Format(\"{0}\", {|TINA007:_count|})|};")]
    [TestCase("string a = _count.ToString(); string s = {|TINA007:a + \"x\" + a|};")]
    [TestCase("var list = {|TINA007:new List<int>()|};")]
    [TestCase("var array = {|TINA007:new int[4]|};")]
    [TestCase("var pair = {|TINA007:new { A = 1 }|};")]
    [TestCase("List<int> list = {|TINA007:[1, 2]|};")]
    [TestCase("List<int> list = {|TINA007:[]|};")]
    public Task AllocatingCode_IsReported(string statement) =>
        AnalyzerTest<HandlerAnalyzer>.Run(Handler(statement));

    [TestCase("Func<int, int> f = static x => x * 2;")]
    [TestCase("Func<int, int> f = x => x * 2;")]
    [TestCase("Span<int> span = stackalloc int[4];")]
    [TestCase("Span<int> span = [1, 2];")]
    [TestCase("int[] none = [];")]
    [TestCase("IReadOnlyList<int> none = [];")]
    [TestCase("int total = 0; foreach (int v in _values) total += v;")]
    [TestCase("const string s = \"a\" + \"b\";")]
    [TestCase("if (_count < 0) throw new InvalidOperationException($\"bad {_count}\");")]
    public Task AllocationFreeTwin_IsSilent(string statement) =>
        AnalyzerTest<HandlerAnalyzer>.Run(Handler(statement));
}
