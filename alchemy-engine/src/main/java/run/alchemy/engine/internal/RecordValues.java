package run.alchemy.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import run.alchemy.api.Secret;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Plain records to trees and back, as the mapper binds them, without the mapper: a provider's
 * props and output are most often records, and a no-op redeploy turns each resource's props into
 * a tree and its stored output back into the record, through Jackson's general serializers (a
 * token buffer each way), a fifth of the program's thread on a remote store.
 *
 * <p>A record is plain when Jackson would bind it by its components alone: it carries no
 * annotation (on the class, a component, an accessor, a field or the constructor), implements no
 * interface, declares no other public instance method (Jackson would take a {@code getX()} for a
 * property) and no other constructor, is not one of the API's tagged types, and its components
 * are strings, {@code int}, {@code long}, {@code boolean}, {@code double} (boxed or not),
 * {@link Secret}s, plain records, and lists and string-keyed maps of these. Anything else, and any
 * value this does not map exactly (a number of another kind, a null in a list, a constructor that
 * refuses the values), is left to the mapper, which then also says what is wrong.
 */
final class RecordValues {
    /** Stands for a value this leaves to the mapper. */
    static final Object UNMAPPED = new Object();

    /** How a record binds: its components, or null when it is not plain. */
    private final ClassValue<Plan> plans = new ClassValue<>() {
        @Override
        protected Plan computeValue(Class<?> type) {
            return Plan.of(type);
        }
    };

    /**
     * The object node the mapper makes of a plain record (null components left out, as the
     * mapper's inclusion rule does), each component's value made by {@code trees}; null when the
     * record is not plain or {@code trees} leaves a value to the mapper.
     */
    ObjectNode tree(Record value, Function<Object, JsonNode> trees) {
        Plan plan = plans.get(value.getClass());
        if (plan == null) {
            return null;
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Component c : plan.components) {
            Object v;
            try {
                v = c.accessor.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                return null; // the mapper calls it again and reports what it throws
            }
            if (v == null) {
                continue;
            }
            JsonNode child = trees.apply(v);
            if (child == null) {
                return null;
            }
            out.set(c.name, child);
        }
        return out;
    }

    /** The plain record {@code type} bound from the object node {@code tree}, or {@link #UNMAPPED}. */
    Object value(JsonNode tree, Class<?> type) {
        Plan plan = plans.get(type);
        return plan == null || !tree.isObject() ? UNMAPPED : record(plan, tree);
    }

    private Object record(Plan plan, JsonNode tree) {
        Object[] args = new Object[plan.components.size()];
        for (int i = 0; i < args.length; i++) {
            Component c = plan.components.get(i);
            JsonNode node = tree.get(c.name);
            Object v = node == null || node.isNull() ? c.shape.absent() : bind(c.shape, node);
            if (v == UNMAPPED) {
                return UNMAPPED;
            }
            args[i] = v;
        }
        try {
            return plan.constructor.newInstance(args);
        } catch (ReflectiveOperationException | IllegalArgumentException e) {
            return UNMAPPED; // the mapper calls it again and reports what it throws
        }
    }

    private Object bind(Shape shape, JsonNode node) {
        if (shape instanceof Scalar scalar) {
            return scalar.bind(node);
        }
        if (shape instanceof RecordOf r) {
            return value(node, r.type);
        }
        if (shape instanceof ListOf l) {
            if (!node.isArray()) {
                return UNMAPPED;
            }
            List<Object> list = new ArrayList<>(node.size());
            for (JsonNode element : node) {
                Object v = element.isNull() ? UNMAPPED : bind(l.element, element);
                if (v == UNMAPPED) {
                    return UNMAPPED;
                }
                list.add(v);
            }
            return list;
        }
        MapOf m = (MapOf) shape;
        if (!node.isObject()) {
            return UNMAPPED;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            Object v = e.getValue().isNull() ? UNMAPPED : bind(m.value, e.getValue());
            if (v == UNMAPPED) {
                return UNMAPPED;
            }
            map.put(e.getKey(), v);
        }
        return map;
    }

    private record Component(String name, Method accessor, Shape shape) {
    }

    private record Plan(List<Component> components, Constructor<?> constructor) {
        /** Methods every record has, which the mapper does not take for properties. */
        private static final Set<String> RECORD_METHODS = Set.of("equals", "hashCode", "toString");

        static Plan of(Class<?> type) {
            if (!type.isRecord() || type.getName().startsWith("run.alchemy.api.") || type.getInterfaces().length > 0
                    || type.getAnnotations().length > 0 || type.getDeclaredConstructors().length != 1) {
                return null;
            }
            RecordComponent[] parts = type.getRecordComponents();
            Set<Method> accessors = new HashSet<>();
            List<Component> components = new ArrayList<>(parts.length);
            Class<?>[] types = new Class<?>[parts.length];
            for (int i = 0; i < parts.length; i++) {
                RecordComponent rc = parts[i];
                Shape shape = Shape.of(rc.getGenericType());
                Method accessor = rc.getAccessor();
                if (shape == null || rc.getAnnotations().length > 0 || accessor.getAnnotations().length > 0
                        || fieldAnnotated(type, rc.getName()) || !accessor.trySetAccessible()) {
                    return null;
                }
                accessors.add(accessor);
                components.add(new Component(rc.getName(), accessor, shape));
                types[i] = rc.getType();
            }
            for (Method m : type.getDeclaredMethods()) {
                if (Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()) && !m.isSynthetic()
                        && !accessors.contains(m) && !RECORD_METHODS.contains(m.getName())) {
                    return null; // a getX() or setX(v) the mapper would take for a property
                }
            }
            try {
                Constructor<?> constructor = type.getDeclaredConstructor(types);
                if (constructor.getAnnotations().length > 0 || annotatedParameter(constructor)
                        || !constructor.trySetAccessible()) {
                    return null;
                }
                return new Plan(List.copyOf(components), constructor);
            } catch (NoSuchMethodException e) {
                return null;
            }
        }

        private static boolean fieldAnnotated(Class<?> type, String name) {
            try {
                return type.getDeclaredField(name).getAnnotations().length > 0;
            } catch (NoSuchFieldException e) {
                return true;
            }
        }

        private static boolean annotatedParameter(Constructor<?> constructor) {
            for (var annotations : constructor.getParameterAnnotations()) {
                if (annotations.length > 0) {
                    return true;
                }
            }
            return false;
        }
    }

    /** What a component holds, as the mapper binds it. */
    private sealed interface Shape permits Scalar, ListOf, MapOf, RecordOf {
        /** The value the mapper binds for a missing or null property. */
        default Object absent() {
            return null;
        }

        static Shape of(Type type) {
            if (type instanceof Class<?> c) {
                Scalar scalar = Scalar.of(c);
                return scalar != null ? scalar : c.isRecord() ? new RecordOf(c) : null;
            }
            if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
                Type[] args = p.getActualTypeArguments();
                if (raw == List.class) {
                    Shape element = of(args[0]);
                    return element == null ? null : new ListOf(element);
                }
                if (raw == Map.class && args[0] == String.class) {
                    Shape value = of(args[1]);
                    return value == null ? null : new MapOf(value);
                }
            }
            return null;
        }
    }

    private record ListOf(Shape element) implements Shape {
    }

    private record MapOf(Shape value) implements Shape {
    }

    private record RecordOf(Class<?> type) implements Shape {
    }

    private enum Scalar implements Shape {
        STRING, INT, INTEGER, LONG, LONG_BOXED, BOOLEAN, BOOLEAN_BOXED, DOUBLE, DOUBLE_BOXED, SECRET;

        private static final Map<Class<?>, Scalar> BY_TYPE = Map.of(String.class, STRING, int.class, INT,
                Integer.class, INTEGER, long.class, LONG, Long.class, LONG_BOXED, boolean.class, BOOLEAN,
                Boolean.class, BOOLEAN_BOXED, double.class, DOUBLE, Double.class, DOUBLE_BOXED, Secret.class, SECRET);

        /** The scalar of the class, or null when it is none of these. */
        static Scalar of(Class<?> c) {
            return BY_TYPE.get(c);
        }

        @Override
        public Object absent() {
            return switch (this) {
                case INT -> 0;
                case LONG -> 0L;
                case BOOLEAN -> false;
                case DOUBLE -> 0.0;
                default -> null;
            };
        }

        Object bind(JsonNode node) {
            return switch (this) {
                case STRING -> node.isTextual() ? node.textValue() : UNMAPPED;
                case INT, INTEGER -> node.isInt() ? node.intValue() : UNMAPPED;
                case LONG, LONG_BOXED -> node.isInt() || node.isLong() ? node.longValue() : UNMAPPED;
                case BOOLEAN, BOOLEAN_BOXED -> node.isBoolean() ? node.booleanValue() : UNMAPPED;
                case DOUBLE, DOUBLE_BOXED -> node.isDouble() || node.isInt() || node.isLong() ? node.doubleValue() : UNMAPPED;
                case SECRET -> {
                    Object pojo = node.isPojo() ? ((POJONode) node).getPojo() : null;
                    yield pojo instanceof SealedSecret sealed ? sealed.secret : pojo instanceof Secret s ? s : UNMAPPED;
                }
            };
        }
    }
}
