using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using Axon.Generator.Diagnostics;
using Axon.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Axon.Generator.Differentiation
{
    /// <summary>
    /// Turns a <c>[Differentiable]</c> static scalar function into a <see cref="ScalarFunctionSpec"/> holding its
    /// symbolic derivative: form checks (AXN010), the body into the scalar IR (AXN005 for anything outside the
    /// differentiable subset), differentiation, optimisation and printing.
    /// </summary>
    internal static partial class ScalarFunctionParser
    {
        private const string DerivativeSuffix = "Derivative";

        /// <summary>The name of the generated derivative of the function <paramref name="name"/>: a contract other code relies on.</summary>
        public static string DerivativeName(string name) => name + DerivativeSuffix;

        /// <summary>Nodes that can carry a method-targeted attribute; the parse step rejects all but methods.</summary>
        public static bool IsCandidate(SyntaxNode node)
            => node is BaseMethodDeclarationSyntax
            || node is LocalFunctionStatementSyntax
            || node is AnonymousFunctionExpressionSyntax
            || node is AccessorDeclarationSyntax;

        /// <summary>
        /// Whether <paramref name="method"/> is a <c>[Differentiable]</c> static scalar function whose derivative
        /// <c>{Name}Derivative</c> exists or is generated: a method from source of the right form (static,
        /// non-generic, one float or double parameter by value, returning the same type, in partial types), or
        /// a method from a referenced assembly whose derivative is present beside it. It does not look at the
        /// body: a body outside the differentiable subset is reported (AXN005) on the function itself.
        /// </summary>
        public static bool IsDifferentiableScalarFunction(IMethodSymbol method)
        {
            if (!HasDifferentiableAttribute(method)) return false;
            if (GetSignatureProblems(method, reportLocations: false, default).Count > 0) return false;
            if (method.DeclaringSyntaxReferences.Length > 0)
            {
                return GetContainerProblems(method, default).Count == 0;
            }

            var parameterType = method.Parameters[0].Type;
            return method.ContainingType.GetMembers(DerivativeName(method.Name)).OfType<IMethodSymbol>().Any(d =>
                d.IsStatic && d.Parameters.Length == 1
                && SymbolEqualityComparer.Default.Equals(d.Parameters[0].Type, parameterType)
                && SymbolEqualityComparer.Default.Equals(d.ReturnType, parameterType));
        }

        /// <summary>
        /// Whether an in-source function's body parses into a program the differentiator accepts — the body half of the
        /// scalar pipeline's own test, so that a model never calls the derivative of a function rejected with AXN005.
        /// A function from metadata is judged by <see cref="IsDifferentiableScalarFunction"/> (its derivative exists).
        /// </summary>
        public static bool BodyIsDifferentiable(IMethodSymbol method, Compilation compilation, CancellationToken cancellationToken)
        {
            if (method.DeclaringSyntaxReferences.Length == 0) return true;
            if (method.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not MethodDeclarationSyntax declaration) return false;
            var elementType = ToScalarType(method.ReturnType);
            if (elementType is null || method.Parameters.Length != 1) return false;
            var canonical = method.PartialDefinitionPart ?? method;
            var (body, bodyOwner) = FindBody(method, canonical, declaration, cancellationToken);
            if (body is null) return false;
            var parser = new BodyParser(compilation.GetSemanticModel(body.SyntaxTree), bodyOwner.Parameters[0], elementType.Value, DisplayName(method), cancellationToken);
            return parser.Parse(body) is not null && parser.Diagnostics.Count == 0;
        }

        /// <summary>
        /// The vector form of an in-source function and of its derivative (the derivative program the scalar pipeline
        /// prints), or null when the function is from metadata, does not parse, or uses an operation without a vector
        /// form (<see cref="VectorFormPrinter"/>): such a function keeps the scalar kernel.
        /// </summary>
        public static VectorForm? VectorFormOf(IMethodSymbol method, Compilation compilation, CancellationToken cancellationToken)
        {
            if (method.DeclaringSyntaxReferences.Length == 0) return null;
            if (method.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not MethodDeclarationSyntax declaration) return null;
            var elementType = ToScalarType(method.ReturnType);
            if (elementType is null || method.Parameters.Length != 1) return null;
            var canonical = method.PartialDefinitionPart ?? method;
            var (body, bodyOwner) = FindBody(method, canonical, declaration, cancellationToken);
            if (body is null) return null;
            var parser = new BodyParser(compilation.GetSemanticModel(body.SyntaxTree), bodyOwner.Parameters[0], elementType.Value, DisplayName(method), cancellationToken);
            var primal = parser.Parse(body);
            if (primal is null || parser.Diagnostics.Count > 0) return null;
            return VectorFormPrinter.TryPrint(primal, Derive(primal, parser.DeclaredNames));
        }

        /// <summary>The optimised derivative program of <paramref name="primal"/>, its locals named clear of the body's.</summary>
        private static ScalarProgram Derive(ScalarProgram primal, IEnumerable<string> declaredNames)
        {
            var names = new NameAllocator();
            names.Reserve(primal.Parameter.Name);
            foreach (var name in declaredNames) names.Reserve(name);
            return ScalarProgramOptimizer.Optimize(SymbolicDifferentiator.Differentiate(primal, names), names);
        }

        /// <summary>The parse step of the pipeline: never throws for any syntax; problems become diagnostics.</summary>
        public static ScalarFunctionResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.TargetNode is not MethodDeclarationSyntax declaration || context.TargetSymbol is not IMethodSymbol method)
            {
                return NotAMethod(context, cancellationToken);
            }

            // [return: Differentiable] and the like land here too; the compiler reports those (CS0592).
            if (!HasDifferentiableAttribute(method)) return ScalarFunctionResult.None;

            // A partial method with the attribute on both parts (CS0579) is handled once, from its definition.
            if (method.PartialDefinitionPart is { } definition && HasDifferentiableAttribute(definition, ownOnly: true)) return ScalarFunctionResult.None;

            string display = DisplayName(method);
            var diagnostics = new List<DiagnosticInfo>();
            foreach (var (message, location) in GetSignatureProblems(method, reportLocations: true, cancellationToken))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidDifferentiableFunction, location, display, message));
            }

            foreach (var (message, location) in GetContainerProblems(method, cancellationToken))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidDifferentiableFunction, location, display, message));
            }

            var canonical = method.PartialDefinitionPart ?? method;
            var (body, bodyOwner) = FindBody(method, canonical, declaration, cancellationToken);
            if (body is null && !method.IsAbstract && !method.IsExtern)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidDifferentiableFunction, declaration.Identifier.GetLocation(), display, "has no body to differentiate"));
            }

            foreach (var (message, location) in GetNameProblems(canonical, declaration))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidDifferentiableFunction, location, display, message));
            }

            if (diagnostics.Count > 0 || body is null) return Failure(diagnostics);

            var semanticModel = body.SyntaxTree == context.SemanticModel.SyntaxTree
                ? context.SemanticModel
                : context.SemanticModel.Compilation.GetSemanticModel(body.SyntaxTree);
            var elementType = ToScalarType(method.ReturnType)!.Value;
            // The parameter as the body sees it: a partial method's parts may even name it differently.
            var parameter = bodyOwner.Parameters[0];
            var parser = new BodyParser(semanticModel, parameter, elementType, display, cancellationToken);
            var primal = parser.Parse(body);
            if (primal is null || parser.Diagnostics.Count > 0) return Failure(parser.Diagnostics);

            var derivative = Derive(primal, parser.DeclaredNames);

            var lines = new List<string>();
            foreach (var binding in derivative.Bindings)
            {
                lines.Add(binding.Value.Type.Keyword() + " " + ScalarExpressionPrinter.Identifier(binding.Name) + " = " + ScalarExpressionPrinter.Print(binding.Value) + ";");
            }

            lines.Add("return " + ScalarExpressionPrinter.Print(derivative.Result) + ";");
            return new ScalarFunctionResult(CreateSpec(canonical, parameter.Name, elementType, lines), EquatableArray<DiagnosticInfo>.Empty);
        }

        private static ScalarFunctionResult Failure(IEnumerable<DiagnosticInfo> diagnostics)
            => new ScalarFunctionResult(null, diagnostics.ToEquatableArray());

        private static ScalarFunctionResult NotAMethod(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            string name;
            Location location;
            switch (context.TargetNode)
            {
                case LocalFunctionStatementSyntax local:
                    name = local.Identifier.ValueText;
                    location = local.Identifier.GetLocation();
                    break;
                case MethodDeclarationSyntax method:
                    name = method.Identifier.ValueText;
                    location = method.Identifier.GetLocation();
                    break;
                case ConstructorDeclarationSyntax constructor:
                    name = constructor.Identifier.ValueText;
                    location = constructor.Identifier.GetLocation();
                    break;
                default:
                    var attribute = context.Attributes.Length > 0 ? context.Attributes[0].ApplicationSyntaxReference?.GetSyntax(cancellationToken) : null;
                    name = context.TargetSymbol?.Name is { Length: > 0 } symbolName ? symbolName : "anonymous function";
                    location = (attribute ?? context.TargetNode).GetLocation();
                    break;
            }

            var diagnostic = DiagnosticInfo.Create(
                DiagnosticDescriptors.InvalidDifferentiableFunction,
                location,
                name,
                "must be a static method of a partial type: the generator can add a derivative only beside such a method");
            return new ScalarFunctionResult(null, new[] { diagnostic }.ToEquatableArray());
        }

        private static bool HasDifferentiableAttribute(IMethodSymbol method, bool ownOnly = false)
        {
            foreach (var attribute in method.GetAttributes())
            {
                if (IsDifferentiableAttribute(attribute.AttributeClass))
                {
                    if (!ownOnly) return true;
                    // Partial methods merge their parts' attributes; keep those written on this part's syntax.
                    var syntax = attribute.ApplicationSyntaxReference;
                    if (syntax is null) return true;
                    foreach (var reference in method.DeclaringSyntaxReferences)
                    {
                        if (reference.SyntaxTree == syntax.SyntaxTree && reference.Span.Contains(syntax.Span)) return true;
                    }
                }
            }

            return false;
        }

        private static bool IsDifferentiableAttribute(INamedTypeSymbol? type)
            => type is not null && type.ToDisplayString() == AxonGenerator.DifferentiableAttributeName;

        internal static ScalarType? ToScalarType(ITypeSymbol? type)
        {
            switch (type?.SpecialType)
            {
                case SpecialType.System_Single:
                    return ScalarType.Float;
                case SpecialType.System_Double:
                    return ScalarType.Double;
                default:
                    return null;
            }
        }

        private static string DisplayName(IMethodSymbol method)
            => method.ContainingType is null ? method.Name : method.ContainingType.Name + "." + method.Name;

        private static MethodDeclarationSyntax? DeclarationOf(IMethodSymbol method, CancellationToken cancellationToken)
        {
            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is MethodDeclarationSyntax declaration) return declaration;
            }

            return null;
        }

        /// <summary>
        /// The body to differentiate and the method symbol it belongs to: the declaration's own, or for a partial
        /// method's definition, its implementation's.
        /// </summary>
        private static (SyntaxNode? Body, IMethodSymbol Owner) FindBody(IMethodSymbol method, IMethodSymbol canonical, MethodDeclarationSyntax declaration, CancellationToken cancellationToken)
        {
            if (declaration.Body is null && declaration.ExpressionBody is null
                && canonical.PartialImplementationPart is { } implementation
                && DeclarationOf(implementation, cancellationToken) is { } implementationDeclaration)
            {
                return ((SyntaxNode?)implementationDeclaration.Body ?? implementationDeclaration.ExpressionBody, implementation);
            }

            return ((SyntaxNode?)declaration.Body ?? declaration.ExpressionBody, method);
        }

        /// <summary>Problems of the method's own form: static, non-generic, one float/double parameter by value, same return type.</summary>
        private static List<(string Message, Location? Location)> GetSignatureProblems(IMethodSymbol method, bool reportLocations, CancellationToken cancellationToken)
        {
            var problems = new List<(string, Location?)>();
            var declaration = reportLocations ? DeclarationOf(method, cancellationToken) : null;
            Location? At(SyntaxNode? node) => node?.GetLocation() ?? declaration?.Identifier.GetLocation() ?? (method.Locations.Length > 0 ? method.Locations[0] : null);
            Location? AtToken(SyntaxToken token) => token.RawKind != 0 ? token.GetLocation() : At(null);
            SyntaxToken Modifier(SyntaxKind kind) => declaration?.Modifiers.FirstOrDefault(m => m.IsKind(kind)) ?? default;

            if (method.MethodKind != MethodKind.Ordinary)
            {
                problems.Add(("must be an ordinary method, not an explicit interface implementation", At(null)));
                return problems;
            }

            if (!method.IsStatic) problems.Add(("must be static", At(null)));
            if (method.IsAbstract) problems.Add(("must not be abstract", AtToken(Modifier(SyntaxKind.AbstractKeyword))));
            if (method.IsExtern) problems.Add(("must not be extern", AtToken(Modifier(SyntaxKind.ExternKeyword))));
            if (method.IsGenericMethod) problems.Add(("must not be generic", At(declaration?.TypeParameterList)));

            ScalarType? parameterType = null;
            if (method.Parameters.Length != 1)
            {
                problems.Add(("must take exactly one float or double parameter", At(declaration?.ParameterList)));
            }
            else
            {
                var parameter = method.Parameters[0];
                var parameterSyntax = declaration?.ParameterList.Parameters.FirstOrDefault();
                if (parameter.RefKind != RefKind.None)
                {
                    problems.Add(("must take its parameter by value", At(parameterSyntax)));
                }
                else if (ToScalarType(parameter.Type) is not { } type)
                {
                    problems.Add(($"must take a float or double parameter, not '{parameter.Type.ToDisplayString()}'", At(parameterSyntax?.Type)));
                }
                else
                {
                    parameterType = type;
                }
            }

            if (method.ReturnsByRef || method.ReturnsByRefReadonly)
            {
                problems.Add(("must return its result by value", At(declaration?.ReturnType)));
            }
            else if (parameterType is { } expected && ToScalarType(method.ReturnType) != expected)
            {
                problems.Add(($"must return the type of its parameter, '{expected.Keyword()}', not '{method.ReturnType.ToDisplayString()}'", At(declaration?.ReturnType)));
            }
            else if (parameterType is null && ToScalarType(method.ReturnType) is null)
            {
                problems.Add(($"must return float or double, not '{method.ReturnType.ToDisplayString()}'", At(declaration?.ReturnType)));
            }

            return problems;
        }

        /// <summary>Problems of where the method lives: every containing type partial, none file-local.</summary>
        private static List<(string Message, Location? Location)> GetContainerProblems(IMethodSymbol method, CancellationToken cancellationToken)
        {
            var problems = new List<(string, Location?)>();
            for (var type = method.ContainingType; type is not null; type = type.ContainingType)
            {
                if (type.IsFileLocal)
                {
                    problems.Add(($"is declared in the file-local type '{type.Name}', which generated code cannot extend", type.Locations.FirstOrDefault()));
                    continue;
                }

                foreach (var reference in type.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax typeDeclaration && !typeDeclaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                    {
                        problems.Add(($"must be declared in partial types, but '{type.Name}' is not partial", typeDeclaration.Identifier.GetLocation()));
                        break;
                    }
                }
            }

            return problems;
        }

        /// <summary>Clashes of the derivative with existing members, and duplicate declarations.</summary>
        private static List<(string Message, Location? Location)> GetNameProblems(IMethodSymbol method, MethodDeclarationSyntax declaration)
        {
            var problems = new List<(string, Location?)>();
            var type = method.ContainingType;
            if (type is null || method.Parameters.Length != 1) return problems;
            var parameterType = method.Parameters[0].Type;
            string derivativeName = DerivativeName(method.Name);

            foreach (var member in type.GetMembers(derivativeName))
            {
                if (member is not IMethodSymbol other || SameSignature(other, parameterType))
                {
                    problems.Add(($"cannot get its derivative '{derivativeName}': '{type.Name}' already declares a member of that name and signature", declaration.Identifier.GetLocation()));
                    break;
                }
            }

            foreach (var member in type.GetMembers(method.Name))
            {
                if (member is IMethodSymbol other && !SymbolEqualityComparer.Default.Equals(other, method) && SameSignature(other, parameterType) && HasDifferentiableAttribute(other))
                {
                    problems.Add(("is declared more than once with this signature", declaration.Identifier.GetLocation()));
                    break;
                }
            }

            return problems;
        }

        private static bool SameSignature(IMethodSymbol method, ITypeSymbol parameterType)
            => method.Parameters.Length == 1
            && method.Parameters[0].RefKind == RefKind.None
            && SymbolEqualityComparer.Default.Equals(method.Parameters[0].Type, parameterType);

        /// <summary>Whether a base type has a member the derivative would hide (so that it needs <c>new</c>).</summary>
        private static bool HidesInheritedMember(IMethodSymbol method)
        {
            string derivativeName = DerivativeName(method.Name);
            var parameterType = method.Parameters[0].Type;
            for (var type = method.ContainingType?.BaseType; type is not null; type = type.BaseType)
            {
                foreach (var member in type.GetMembers(derivativeName))
                {
                    if (member.DeclaredAccessibility == Accessibility.Private) continue;
                    if (member is not IMethodSymbol other || SameSignature(other, parameterType)) return true;
                }
            }

            return false;
        }

        private static ScalarFunctionSpec CreateSpec(IMethodSymbol method, string parameterName, ScalarType elementType, List<string> body)
        {
            var types = new List<ContainingTypeSpec>();
            for (var type = method.ContainingType; type is not null; type = type.ContainingType)
            {
                types.Insert(0, DescribeType(type));
            }

            string? ns = method.ContainingNamespace is { IsGlobalNamespace: false } containing
                ? containing.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat.WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted))
                : null;

            string modifiers = Join(AccessibilityText(method.DeclaredAccessibility), "static", HidesInheritedMember(method) ? "new" : "");
            return new ScalarFunctionSpec(
                ns,
                types.ToEquatableArray(),
                ScalarExpressionPrinter.Identifier(method.Name),
                ScalarExpressionPrinter.Identifier(DerivativeName(method.Name)),
                modifiers,
                elementType.Keyword(),
                ScalarExpressionPrinter.Identifier(parameterName),
                body.ToEquatableArray(),
                HintName(method, elementType));
        }

        private static ContainingTypeSpec DescribeType(INamedTypeSymbol type)
        {
            string keyword;
            if (type.IsRecord) keyword = type.TypeKind == TypeKind.Struct ? "record struct" : "record";
            else if (type.TypeKind == TypeKind.Struct) keyword = "struct";
            else if (type.TypeKind == TypeKind.Interface) keyword = "interface";
            else keyword = "class";

            bool isStruct = type.TypeKind == TypeKind.Struct;
            string modifiers = Join(
                AccessibilityText(type.DeclaredAccessibility),
                type.IsStatic ? "static" : "",
                isStruct && type.IsReadOnly ? "readonly" : "",
                isStruct && type.IsRefLikeType ? "ref" : "");

            var name = new StringBuilder(ScalarExpressionPrinter.Identifier(type.Name));
            if (type.TypeParameters.Length > 0)
            {
                name.Append('<');
                for (int i = 0; i < type.TypeParameters.Length; i++)
                {
                    var parameter = type.TypeParameters[i];
                    if (i > 0) name.Append(", ");
                    if (parameter.Variance == VarianceKind.In) name.Append("in ");
                    else if (parameter.Variance == VarianceKind.Out) name.Append("out ");
                    name.Append(ScalarExpressionPrinter.Identifier(parameter.Name));
                }

                name.Append('>');
            }

            return new ContainingTypeSpec(modifiers, keyword, name.ToString());
        }

        private static string AccessibilityText(Accessibility accessibility)
        {
            switch (accessibility)
            {
                case Accessibility.Public:
                    return "public";
                case Accessibility.Internal:
                    return "internal";
                case Accessibility.Private:
                    return "private";
                case Accessibility.Protected:
                    return "protected";
                case Accessibility.ProtectedOrInternal:
                    return "protected internal";
                case Accessibility.ProtectedAndInternal:
                    return "private protected";
                default:
                    return "";
            }
        }

        private static string Join(params string[] parts) => string.Join(" ", parts.Where(p => p.Length > 0));

        /// <summary>
        /// The generated file's name, unique per function: <c>Namespace.Outer+Inner`1.Name.Derivative.g.cs</c>
        /// (metadata-style nesting and arity, which no identifier can contain), with <c>.Float</c> or
        /// <c>.Double</c> after the name when the type has [Differentiable] overloads of it.
        /// </summary>
        private static string HintName(IMethodSymbol method, ScalarType elementType)
        {
            var builder = new StringBuilder();
            if (method.ContainingNamespace is { IsGlobalNamespace: false } ns) builder.Append(ns.ToDisplayString()).Append('.');
            var types = new List<INamedTypeSymbol>();
            for (var type = method.ContainingType; type is not null; type = type.ContainingType) types.Insert(0, type);
            for (int i = 0; i < types.Count; i++)
            {
                if (i > 0) builder.Append('+');
                builder.Append(types[i].Name);
                if (types[i].Arity > 0) builder.Append('`').Append(types[i].Arity);
            }

            builder.Append('.').Append(method.Name);

            bool overloaded = method.ContainingType?.GetMembers(method.Name).OfType<IMethodSymbol>()
                .Any(m => !SymbolEqualityComparer.Default.Equals(m, method) && HasDifferentiableAttribute(m)) == true;
            if (overloaded) builder.Append('.').Append(elementType == ScalarType.Float ? "Float" : "Double");
            builder.Append(".Derivative.g.cs");

            for (int i = 0; i < builder.Length; i++)
            {
                char c = builder[i];
                if (!char.IsLetterOrDigit(c) && c != '.' && c != '_' && c != '+' && c != '`') builder[i] = '_';
            }

            return builder.ToString();
        }
    }
}
