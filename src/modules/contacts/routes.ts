import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { policy } from '../../infra/auth/policy.js'
import { Type } from 'typebox'
import type { FastifyInstance } from 'fastify'
import { Page, responses, Uuid } from '../../infra/http/schemas.js'
import { Contact, ContactListQuery, CreateContact, UpdateContact } from './schemas.js'
import { createContact, deleteContact, findReadableContact, listContacts, toContact, updateContact } from './service.js'

const tags = ['contacts']
const ContactPath = Type.Object({ contactId: Uuid })

export default async function contactRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  app.addSchema(Contact)
  const ContactRef = Type.Ref('Contact')

  app.post('/v1/contacts', {
    config: { access: policy('conversations:write') },
    schema: {
      operationId: 'createContact',
      tags,
      summary: 'Add a contact to your network (409 with existingId when you already have one with this email)',
      body: CreateContact,
      response: responses({ 201: ContactRef }, [404, 409]),
    },
    handler: async (request, reply) => reply.code(201).send(await createContact(request.tenant, request.principal!, request.body)),
  })

  app.get('/v1/contacts', {
    config: { access: policy('conversations:read') },
    schema: {
      operationId: 'listContacts',
      tags,
      summary: 'List and search contacts: your own, or (advisors, admins) the school\'s',
      querystring: ContactListQuery,
      response: responses({ 200: Page(ContactRef, 'A page of contacts') }, [404]),
    },
    handler: async (request) => listContacts(request.tenant, request.principal!, request.query),
  })

  app.get('/v1/contacts/:contactId', {
    config: { access: policy('conversations:read') },
    schema: { operationId: 'getContact', tags, summary: 'Read a contact', params: ContactPath, response: responses({ 200: ContactRef }, [404]) },
    handler: async (request) => toContact(await findReadableContact(request.tenant, request.principal!, request.params.contactId)),
  })

  app.patch('/v1/contacts/:contactId', {
    config: { access: policy('conversations:write') },
    schema: {
      operationId: 'updateContact',
      tags,
      summary: 'Change one of your contacts',
      params: ContactPath,
      body: UpdateContact,
      response: responses({ 200: ContactRef }, [404, 409]),
    },
    handler: async (request) => updateContact(request.tenant, request.principal!, request.params.contactId, request.body),
  })

  app.delete('/v1/contacts/:contactId', {
    config: { access: policy('conversations:write') },
    schema: {
      operationId: 'deleteContact',
      tags,
      summary: 'Delete one of your contacts and its outreach log (refused while it is part of a referral or has meetings)',
      params: ContactPath,
      response: responses({ 204: Type.Null({ description: 'Deleted' }) }, [404, 409]),
    },
    handler: async (request, reply) => {
      await deleteContact(request.tenant, request.principal!, request.params.contactId)
      return reply.code(204).send(null)
    },
  })
}
