package run.alchemy.engine.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import run.alchemy.api.ConfigurationException;
import run.alchemy.api.ResourceProvider;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether Jackson can reach a provider's props and output types, checked before the engine
 * touches a resource of that provider: a type in a named module must be in a package the module
 * opens to Jackson, or — for a public type — exports to it; otherwise Jackson fails with an
 * {@code IllegalArgumentException} ("Failed to call setAccess()") in the middle of a run. Record
 * components, array elements and type arguments are checked too. Types on the class path, and
 * the JDK's and Jackson's own, are always reachable.
 */
final class JacksonAccess {
    private static final Module JACKSON = ObjectMapper.class.getModule();

    /** The types already found reachable. */
    private final Set<Class<?>> checked = ConcurrentHashMap.newKeySet();

    /** Throws a {@link ConfigurationException} naming the type and the line to add to its module-info. */
    void check(ResourceProvider<?, ?> provider) {
        String kind = provider.kind();
        check(provider.propsType(), kind, "props");
        check(provider.outputType(), kind, "output");
    }

    private void check(Class<?> type, String kind, String role) {
        if (type != null && !checked.contains(type)) {
            visit(type, type, kind, role, ConcurrentHashMap.newKeySet());
            checked.add(type);
        }
    }

    private void visit(Type t, Class<?> root, String kind, String role, Set<Type> seen) {
        if (t == null || !seen.add(t)) {
            return;
        }
        if (t instanceof ParameterizedType p) {
            visit(p.getRawType(), root, kind, role, seen);
            for (Type arg : p.getActualTypeArguments()) {
                visit(arg, root, kind, role, seen);
            }
        } else if (t instanceof GenericArrayType a) {
            visit(a.getGenericComponentType(), root, kind, role, seen);
        } else if (t instanceof WildcardType w) {
            for (Type bound : w.getUpperBounds()) {
                visit(bound, root, kind, role, seen);
            }
        } else if (t instanceof Class<?> c) {
            if (c.isArray()) {
                visit(c.getComponentType(), root, kind, role, seen);
                return;
            }
            if (c.isPrimitive() || checked.contains(c)) {
                return;
            }
            requireReachable(c, root, kind, role);
            if (c.isRecord()) {
                for (RecordComponent rc : c.getRecordComponents()) {
                    visit(rc.getGenericType(), root, kind, role, seen);
                }
            }
        }
    }

    private static void requireReachable(Class<?> c, Class<?> root, String kind, String role) {
        Module m = c.getModule();
        if (!m.isNamed() || m == JACKSON || trusted(m.getName())) {
            return;
        }
        String pkg = c.getPackageName();
        if (m.isOpen(pkg, JACKSON)) {
            return;
        }
        boolean exported = m.isExported(pkg, JACKSON);
        // The JDK lets Jackson setAccessible a public member of a public class of an exported package
        // (a nested class counts by its own modifiers).
        boolean publicType = Modifier.isPublic(c.getModifiers());
        if (exported && publicType) {
            return;
        }
        String jackson = JACKSON.isNamed() ? JACKSON.getName() : null;
        String opens = "opens " + pkg + (jackson == null ? "" : " to " + jackson) + ";";
        String exports = "exports " + pkg + (jackson == null ? "" : " to " + jackson) + ";";
        String where = c == root ? "the " + role + " type " + c.getName()
                : c.getName() + " (in the " + role + " type " + root.getName() + ")";
        String fix = exported
                ? "make it public or add `" + opens + "`"
                : "add `" + opens + "`" + (publicType ? " (or `" + exports + "`, enough for a public record)" : "");
        throw new ConfigurationException("kind \"" + kind + "\": Jackson cannot read " + where + ": package " + pkg
                + " of module " + m.getName() + " is not " + (exported ? "opened" : "opened or exported") + " to "
                + (jackson == null ? "the class path (where Jackson is)" : jackson) + "; " + fix
                + " to module " + m.getName() + "'s module-info.java");
    }

    private static boolean trusted(String module) {
        return module.startsWith("java.") || module.startsWith("jdk.") || module.startsWith("com.fasterxml.jackson.");
    }
}
